"""The data files the pages load: `data/accounts.js` (the account list) and
`data/cards-NNNN.js` (the scorecards, about a hundred accounts a file).

A data file is a script that stores one JSON value in `window.chwData[name]`: browsers load a
script from file:// where they refuse fetch(), so the folder still works offline. The JSON is
ASCII with `<`, `>` and `&` escaped as well, so no value can end the script or the string it
is in; the pages put every value into the document as text (textContent), never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chw.dashboard.formatting import (
    MAX_NOTE_CHARS,
    Row,
    account_key,
    clip,
    humanise,
    shard_count,
    shard_name,
    shard_of,
)
from chw.dashboard.queries import Marts
from chw.dashboard.scorecards import account_row, at_risk_accounts, by_name, scorecard

# the account list is a table: one array per account in this column order, and the columns
# whose values repeat (segments, owners, playbook actions) are indexes into a dictionary
LIST_COLUMNS = (
    "key",
    "name",
    "id",
    "segment",
    "band",
    "score",
    "change_30d",
    "arr",
    "renewal",
    "csm",
    "drivers",
    "action",
    "status",
    "overridden",
)
DICTIONARY_COLUMNS = ("segment", "csm", "drivers", "action", "status")


def _js_safe(text: str) -> str:
    """`<`, `>` and `&` as JSON escapes: no `</script>` or `<!--` however a file is used."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def data_script(name: str, payload: Any) -> str:
    """A script that stores payload as window.chwData[name]."""
    body = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    key = _js_safe(json.dumps(name, ensure_ascii=True))
    return f"(window.chwData=window.chwData||{{}})[{key}]={_js_safe(body)};\n"


def _encode(rows: Sequence[Row]) -> dict[str, Any]:
    """Rows as arrays in LIST_COLUMNS order, repeated values as dictionary indexes."""
    dictionaries: dict[str, dict[str, int]] = {column: {} for column in DICTIONARY_COLUMNS}

    def code(column: str, value: str) -> int:
        return dictionaries[column].setdefault(value, len(dictionaries[column]))

    table = []
    for row in rows:
        values = []
        for column in LIST_COLUMNS:
            value = row[column]
            if column == "drivers":
                value = [code(column, v) for v in value]
            elif column in dictionaries:
                value = code(column, value)
            elif column == "id" and value == row["key"]:
                value = None  # the key is the id: not written twice
            values.append(value)
        table.append(values)
    return {
        "columns": list(LIST_COLUMNS),
        "dictionaries": {column: list(values) for column, values in dictionaries.items()},
        "rows": table,
    }


def account_list(marts: Marts) -> dict[str, Any]:
    """Every account by name, and the at-risk list as positions in it."""
    ordered = by_name(marts.accounts)
    position = {account["account_id"]: i for i, account in enumerate(ordered)}
    return _encode([account_row(a) for a in ordered]) | {
        "at_risk": [position[a["account_id"]] for a in at_risk_accounts(ordered)]
    }


def write_data(marts: Marts, data_dir: Path) -> int:
    """Write data/accounts.js and the scorecard files; return the number of scorecard files."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for stale in data_dir.glob("*.js"):
        stale.unlink()
    (data_dir / "accounts.js").write_text(
        data_script("accounts", account_list(marts)), encoding="utf-8"
    )
    shards = shard_count(len(marts.accounts))
    members: list[list[Row]] = [[] for _ in range(shards)]
    for account in marts.accounts:
        members[shard_of(account_key(account["account_id"]), shards)].append(account)
    metrics = {
        name: [humanise(name), clip(description, MAX_NOTE_CHARS)]
        for name, description in marts.descriptions.items()
    }
    for shard, accounts in enumerate(members):  # one file at a time: memory stays flat
        cards = {account_key(a["account_id"]): scorecard(a, marts) for a in accounts}
        used = sorted({m[0] for c in cards.values() for g in c.get("groups", []) for m in g[2]})
        payload = {"metrics": {n: metrics.get(n, [humanise(n), ""]) for n in used}, "cards": cards}
        name = shard_name(shard)
        (data_dir / f"{name}.js").write_text(data_script(name, payload), encoding="utf-8")
    return shards
