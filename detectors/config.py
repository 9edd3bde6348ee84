"""The allow-list of settings that may change while Breakwater runs.

Everything an operator may tune live (control topic, admin API, ``breakwater config``)
is declared here with its type, default, range and a description. Anything else is
rejected. Hyperparameters that change the *shape* of state (sketch widths, window
lengths) are not live-tunable: they are constructor arguments of the detectors.

Examples
--------
>>> validate("suspend_threshold", "0.95")
0.95
>>> validate("enforcement_enabled", "false")
False
>>> validate("min_wave_size", 1)
Traceback (most recent call last):
...
ValueError: min_wave_size = 1 is below the minimum 2 (smallest wave that may be suspended, in accounts)
>>> validate("sketch_width", 3)
Traceback (most recent call last):
...
ValueError: 'sketch_width' is not a live-tunable setting; allowed: burst_sensitivity, challenge_threshold, enforcement_enabled, label_learning_rate, label_weight, lockstep_enabled, min_wave_size, suspend_threshold, weight_environment, weight_identity, weight_lockstep
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

__all__ = ["Setting", "SETTINGS", "defaults", "loosened", "validate", "validate_all"]

Number = Union[int, float]


@dataclass(frozen=True)
class Setting:
    """One live-tunable setting."""

    name: str
    type: type  # bool, int or float
    default: Any
    min: Optional[Number]
    max: Optional[Number]
    description: str
    #: Which way of the default makes Breakwater suspend more: "lower", "higher", or
    #: None when neither does by itself (see :func:`loosened`).
    looser: Optional[str] = None

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type.__name__, "default": self.default,
                "min": self.min, "max": self.max, "description": self.description,
                "looser": self.looser}


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("suspend_threshold", float, 0.90, 0.5, 1.0,
            "wave score at or above which members are suspended", "lower"),
    Setting("challenge_threshold", float, 0.60, 0.0, 1.0,
            "wave score at or above which members get a step-up challenge (must not exceed suspend_threshold)",
            "lower"),
    Setting("min_wave_size", int, 4, 2, 10_000,
            "smallest wave that may be suspended, in accounts", "lower"),
    Setting("burst_sensitivity", float, 1.0, 0.25, 4.0,
            "multiplies how strongly a burst above the baseline counts (higher = catches slower waves, more false alarms)",
            "higher"),
    Setting("weight_identity", float, 1.0, 0.0, 3.0,
            "weight of shared lookalike traits (names, bios, devices, avatars, user agents) in the wave score",
            "higher"),
    Setting("weight_environment", float, 1.0, 0.0, 3.0,
            "weight of shared environment traits (networks, mail domain, referrer) in the wave score",
            "higher"),
    Setting("weight_lockstep", float, 1.0, 0.0, 3.0,
            "weight of lockstep activity (same targets, near-identical texts) in the wave score", "higher"),
    Setting("lockstep_enabled", bool, True, None, None,
            "track activity of wave members for lockstep evidence"),
    Setting("label_learning_rate", float, 0.05, 1e-4, 1.0,
            "SGD step of the online model that learns from moderator labels"),
    Setting("label_weight", float, 0.5, 0.0, 1.0,
            "how far the label-trained model may move the score away from the unsupervised prior"),
    Setting("enforcement_enabled", bool, True, None, None,
            "kill switch: when false every decision is emitted with mode 'shadow' and never enforced"),
)}

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def defaults() -> dict:
    """The default value of every setting."""
    return {name: s.default for name, s in SETTINGS.items()}


def loosened(config: Mapping[str, Any]) -> list[str]:
    """Names of the settings in ``config`` set looser than their shipped default, i.e.
    so that Breakwater suspends more (a lower threshold, a higher weight, ...).

    The circuit breaker guards exactly these changes (:class:`detectors.decider.Decider`):
    at the shipped defaults or stricter, what is suspended is what the tested
    configuration suspends.

    >>> loosened(defaults())
    []
    >>> loosened(dict(defaults(), suspend_threshold=0.8, weight_identity=0.5))
    ['suspend_threshold']
    """
    out = []
    for name, s in SETTINGS.items():
        v = config.get(name, s.default)
        if (s.looser == "lower" and v < s.default) or (s.looser == "higher" and v > s.default):
            out.append(name)
    return out


def _describe(s: Setting) -> str:
    return s.description


def validate(name: str, value: Any) -> Any:
    """Check and coerce one setting; raise ``ValueError`` with a clear message.

    Strings are accepted (as they come from a CLI or an HTTP form) and converted.
    """
    s = SETTINGS.get(name)
    if s is None:
        raise ValueError(f"{name!r} is not a live-tunable setting; allowed: {', '.join(sorted(SETTINGS))}")
    if s.type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"{name} must be true or false, got {value!r}")
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got a boolean")
    try:
        if s.type is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            v: Number = int(value) if not isinstance(value, str) else int(value.strip())
        else:
            v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {'an integer' if s.type is int else 'a number'}, got {value!r}") from None
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if s.min is not None and v < s.min:
        raise ValueError(f"{name} = {v} is below the minimum {s.min} ({_describe(s)})")
    if s.max is not None and v > s.max:
        raise ValueError(f"{name} = {v} is above the maximum {s.max} ({_describe(s)})")
    return v


def validate_all(values: Mapping[str, Any], base: Optional[Mapping[str, Any]] = None) -> dict:
    """Validate several settings at once, plus the rules that tie them together.

    Returns the full resulting configuration (``base`` updated with ``values``).

    >>> validate_all({"challenge_threshold": 0.95}, defaults())
    Traceback (most recent call last):
    ...
    ValueError: challenge_threshold (0.95) must not exceed suspend_threshold (0.9)
    """
    out = dict(defaults() if base is None else base)
    for name, value in values.items():
        out[name] = validate(name, value)
    if out["challenge_threshold"] > out["suspend_threshold"]:
        raise ValueError(f"challenge_threshold ({out['challenge_threshold']}) must not exceed "
                         f"suspend_threshold ({out['suspend_threshold']})")
    return out
