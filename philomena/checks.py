"""`manage.py check` refuses a private media folder that a public path could serve."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _public_roots() -> list[tuple[str, Path]]:
    roots = [("STATIC_ROOT", settings.STATIC_ROOT), ("MEDIA_ROOT", settings.MEDIA_ROOT)]
    roots += [
        ("STATICFILES_DIRS", entry[1] if isinstance(entry, tuple) else entry) for entry in settings.STATICFILES_DIRS
    ]
    return [(name, Path(str(root)).resolve()) for name, root in roots if root]


@register()
def private_media_is_private(app_configs, **kwargs) -> list[Error]:
    private = Path(settings.HOMEWARD_PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for name, public in _public_roots():
        if private == public or public in private.parents or private in public.parents:
            errors.append(
                Error(
                    f"HOMEWARD_PRIVATE_MEDIA_ROOT ({private}) overlaps {name} ({public}): photos of children "
                    "would be reachable without a permission check",
                    hint="Set HOMEWARD_PRIVATE_MEDIA_ROOT to a folder outside every static and media folder.",
                    id="philomena.E001",
                )
            )
    return errors
