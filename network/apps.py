from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Persons of concern, places and the network"

    def ready(self) -> None:
        from children import hooks
        from core import navigation
        from network.navigation import child_network_link, navigation_items

        navigation.register(self.label, order=35, items=navigation_items)
        hooks.register_record_link(self.label, child_network_link)
        from network.alerts import cross_border_alerts

        hooks.register_alert_source(self.label, cross_border_alerts)
        from network.actions import move_child_records

        hooks.register_merge_mover(
            self.label,
            hooks.MergeMover(
                fields=("network.ChildPersonLink.child", "network.ChildPlaceLink.child"),
                check=hooks.no_problems,
                move=move_child_records,
            ),
        )
