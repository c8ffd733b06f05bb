"""Keyword options checked against the ``TypedDict`` that declares them, before ``_core``.

Each option set (``pollutrack.aqi.AqiOptions``, ``pollutrack.mapping.ApplyOptions`` ...) is one
``TypedDict``; public functions take it as ``**options: Unpack[...]``, which type checkers
check but Python does not. :func:`checked` is the run-time half: the same keys, and the
message Python gives for an unexpected keyword argument. Defaults live in the Rust bindings:
a key left out is passed on left out.
"""

from __future__ import annotations

from collections.abc import Mapping


def option_keys(declared: type) -> tuple[str, ...]:
    """The keys a ``TypedDict`` declares, its bases' included, in declaration order.

    Examples:
        >>> from typing import TypedDict
        >>> class Size(TypedDict, total=False):
        ...     width: int
        ...     height: int
        >>> option_keys(Size)
        ('width', 'height')
    """
    annotations: dict[str, object] = declared.__annotations__
    return tuple(annotations)


def checked(function: str, options: Mapping[str, object], declared: type) -> dict[str, object]:
    """``options`` as a new dict for ``_core``, once every key is one ``declared`` declares.

    Mapping values become dicts, which is what the Rust bindings read.

    Raises:
        TypeError: a key ``declared`` does not declare, named as Python names an unexpected
            keyword argument, with the keys it does declare.

    Examples:
        >>> from typing import TypedDict
        >>> class Size(TypedDict, total=False):
        ...     width: int
        ...     height: int
        >>> checked("resize", {"width": 3}, Size)
        {'width': 3}
        >>> checked("fit", {"widht": 3}, Size)
        Traceback (most recent call last):
        ...
        TypeError: fit() got an unexpected keyword argument 'widht'; its options are width, height
    """
    keys = option_keys(declared)
    for key in options:
        if key not in keys:
            raise TypeError(
                f"{function}() got an unexpected keyword argument {key!r}; "
                f"its options are {', '.join(keys)}"
            )
    return {key: dict(v) if isinstance(v, Mapping) else v for key, v in options.items()}
