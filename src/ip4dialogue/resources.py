"""Where the app finds its templates, static files, migrations and seed data.

In a source checkout these folders sit at the project root; a wheel ships them inside the
package. Looking beside the package first makes both installs work from any folder.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]


def resource_dir(name: str) -> Path:
    """The folder `name` (templates, static, migrations, seed) of this installation."""
    bundled = PACKAGE_DIR / name
    return bundled if bundled.is_dir() else PROJECT_DIR / name


def is_source_checkout() -> bool:
    """True when running from a clone, where `instance/` beside the project is expected."""
    return not (PACKAGE_DIR / "templates").is_dir() and (PROJECT_DIR / "pyproject.toml").is_file()
