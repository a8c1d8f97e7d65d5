"""What the inputs show about the presets stays in step with planner.presets.

The page words a preset's name, its sources and the names it brings in the reader's language,
so it marks the English for the catalogue itself; these checks fail when a preset changes and
the marked copy does not.
"""

from __future__ import annotations

from planner.presets import PRESETS, demo_plan
from ui.inputs import PRESET_LABELS, PRESET_SOURCES
from ui.state import GIVEN_NAMES


def test_every_preset_is_named_and_sourced_as_planner_presets_says() -> None:
    assert {key: preset.label for key, preset in PRESETS.items()} == PRESET_LABELS
    assert {key: preset.source for key, preset in PRESETS.items()} == PRESET_SOURCES


def test_every_name_the_demo_or_a_preset_brings_is_marked_for_translation() -> None:
    demo = demo_plan()
    brought = {demo.name, *(stage.name for stage in demo.stages)}
    for preset in PRESETS.values():
        brought |= {stage.name for stage in preset.stages}
    assert brought == set(GIVEN_NAMES)
