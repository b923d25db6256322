from django.apps import AppConfig


class PhilomenaConfig(AppConfig):
    name = "philomena"
    verbose_name = "Philomena profiles: the grab-pack police use when a child in care goes missing"

    def ready(self) -> None:
        from core import sections
        from philomena import pages_elsewhere

        sections.register(
            "child:top",
            self.label,
            order=20,
            template="philomena/includes/child_section.html",
            context=pages_elsewhere.child_section,
        )
        sections.register(
            "episode:actions",
            self.label,
            order=10,
            template="philomena/includes/episode_link.html",
            context=pages_elsewhere.grab_pack_link,
        )
        from children import hooks
        from philomena import checks  # noqa: F401 (registers the settings check)
        from philomena.actions import child_merge_problems

        hooks.register_merge_mover(
            self.label,
            hooks.repointing_mover(
                {"philomena.PhilomenaProfile.child": "Philomena profiles"}, check=child_merge_problems
            ),
        )
