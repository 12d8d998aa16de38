"""Compile the message catalogues when the package is built or installed (editable too), so
every install speaks Japanese and Korean without a step to remember. The .mo files are built
output: not in git, always made from the .po files beside them."""

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogues(folder: Path) -> list[Path]:
    """Each translations/<lang>/LC_MESSAGES/messages.po compiled beside itself."""
    compiled = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parts[-3])
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalogue)
        compiled.append(mo)
    return compiled


class CompileCatalogues(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        compile_catalogues(Path(self.root) / "translations")


if __name__ == "__main__":  # `make install`, after a catalogue changed
    compile_catalogues(Path(__file__).resolve().parent / "translations")
