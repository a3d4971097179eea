"""What recomputing open tickets would change: pure data the tickets' recompute fills in
ticket by ticket during its dry run (``tickets.services.sla.sla_recompute_preview``)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .engine import BREACHED, MetricStatus, metric_label


@dataclass(frozen=True)
class DueMove:
    """One ticket's due time as it stands and as a recompute would set it."""

    reference: str
    title: str
    url: str
    metric: str
    before: datetime | None
    after: datetime | None

    @property
    def metric_label(self) -> str:
        return metric_label(self.metric)

    @property
    def shift(self) -> timedelta | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def shift_seconds(self) -> int:
        shift = self.shift
        return 0 if shift is None else int(shift.total_seconds())


@dataclass
class RecomputePreview:
    """What recomputing open tickets would change, filled in ticket by ticket by the
    tickets' dry run (the same evaluation the recompute stores), in constant memory: only
    the ``limit`` largest moves each way and the first ``limit`` newly breached tickets are
    kept with their details."""

    limit: int = 5
    examined: int = 0
    moving: int = 0
    earlier_count: int = 0
    later_count: int = 0
    breached_count: int = 0
    _earlier: list = field(default_factory=list, repr=False)
    _later: list = field(default_factory=list, repr=False)
    breached: list[DueMove] = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count, repr=False)

    def record(
        self,
        *,
        reference: str,
        title: str,
        url: str,
        before: Mapping[str, MetricStatus],
        after: Mapping[str, MetricStatus],
    ) -> None:
        self.examined += 1
        moves = [
            DueMove(reference, title, url, metric, before[metric].due_at, after[metric].due_at)
            for metric in before
            if before[metric].due_at != after[metric].due_at
            or before[metric].state != after[metric].state
        ]
        if not moves:
            return
        self.moving += 1
        largest = max(moves, key=lambda move: abs(move.shift_seconds))
        if largest.shift_seconds < 0:
            self.earlier_count += 1
            self._keep(self._earlier, largest)
        elif largest.shift_seconds > 0:
            self.later_count += 1
            self._keep(self._later, largest)
        newly = [
            move
            for move in moves
            if after[move.metric].state == BREACHED and before[move.metric].state != BREACHED
        ]
        if newly:
            self.breached_count += 1
            if len(self.breached) < self.limit:
                self.breached.append(newly[0])

    def _keep(self, heap: list, move: DueMove) -> None:
        item = (abs(move.shift_seconds), -next(self._order), move)
        if len(heap) < self.limit:
            heapq.heappush(heap, item)
        else:
            heapq.heappushpop(heap, item)

    @property
    def earlier(self) -> list[DueMove]:
        """The largest moves to an earlier due time, largest first."""
        return [item[2] for item in sorted(self._earlier, reverse=True)]

    @property
    def later(self) -> list[DueMove]:
        return [item[2] for item in sorted(self._later, reverse=True)]
