"""The derived operations, in one table: what a derived fact or a derived series column may compute from other
figures (share, ratio, difference, sum), how many inputs each takes, the computation, and how a card writes it.

Every rule about an operation is asked of OPERATIONS, so no two places can disagree about it: the schema's list
of names (fact_schema), the count of inputs checked when data/ is loaded (store_loading), the recomputation
(checks) and the working on the card ("198 ÷ 223 × 100 = 88.8%", cards). A new operation is one entry here.
The symbols and words are English, as the rest of the theme's words are for now.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Number = float | int


@dataclass(frozen=True)
class Operation:
    name: str  # as data/ writes it: "derived": {"op": "share", "of": [...]}
    inputs: int  # how many figures it is computed from: exactly this many, or at least this many if `more`
    more: bool  # True: any number of inputs from `inputs` up (a sum); False: exactly `inputs`
    compute: Callable[[Sequence[Number]], Number | None]  # None: it would divide by zero
    symbol: str  # what the card writes between two inputs: " ÷ "
    then: str  # what the card writes after the last input, before " = result": " × 100" for a share
    reads: str  # the computation in words, for editors' messages and the docs
    form: str  # what "of" lists, in order, for messages: "[the part, the whole]"

    def takes(self, count: int) -> bool:
        return count >= self.inputs if self.more else count == self.inputs

    def apply(self, values: Sequence[Number]) -> Number | None:
        """The result, or None where it divides by zero. Loading data/ refuses a wrong count of inputs
        (count_problem); one reaching here is the engine's bug, never a figure computed from some of them."""
        if not self.takes(len(values)):
            raise ValueError(f'"{self.name}" takes {self.count_words()} inputs, not {len(values)}')
        return self.compute(values)

    def count_words(self) -> str:
        return f"{self.inputs} or more" if self.more else f"exactly {self.inputs}"

    def count_problem(self, count: int, whose: str, kind: str) -> str | None:
        """What is wrong with `count` inputs and what to do, for `whose` (e.g. 'derived fact "gap"'), whose
        inputs are `kind` ("facts" or "columns"); None when the count is right."""
        if self.takes(count):
            return None
        message = (f'{whose}: "{self.name}" ({self.reads}) takes {self.count_words()} {kind} in "of", but '
                   f'"of" names {count}: write "of": {self.form}.')
        if count > self.inputs:  # only an operation of a fixed count can be given too many
            message += (f" To combine more, compute in steps: one derived figure from the first {self.inputs}, "
                        "then another from it and the next.")
        return message


def _share(values: Sequence[Number]) -> Number | None:
    part, whole = values
    return None if whole == 0 else part / whole * 100


def _ratio(values: Sequence[Number]) -> Number | None:
    first, second = values
    return None if second == 0 else first / second


SHARE = Operation("share", 2, False, _share, " ÷ ", " × 100",
                  "the first as a percentage of the second: a ÷ b × 100", "[the part, the whole]")
RATIO = Operation("ratio", 2, False, _ratio, " ÷ ", "", "the first divided by the second: a ÷ b",
                  "[the figure, what it is compared with]")
DIFFERENCE = Operation("difference", 2, False, lambda values: values[0] - values[1], " − ", "",
                       "the first minus the second: a − b", "[the figure, what is taken from it]")
SUM = Operation("sum", 2, True, sum, " + ", "", "all of them added: a + b + …", "[the figures to add, two or more]")

# In the order the docs and the schema's messages list them.
OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in (SHARE, RATIO, DIFFERENCE, SUM)}
