"""What the cloud VM costs: before it is created, while it runs, and before it is deleted.

    cost.py plan    PLAN.json  [--yes]                 what `apply` creates, per month; asks
    cost.py destroy STATE.json [--yes] [--delete-data] what `destroy` deletes; asks
    cost.py status  STATE.json                         what runs, per month and so far
    cost.py record  STATE.json                         when each billed resource appeared

PLAN.json is `terraform show -json tfplan`, STATE.json is `terraform show -json`.
Prices come from the dated table infra/prices.json (--prices), the times of
appearance from a ledger file beside the state (--ledger), since the cloud APIs
are not asked. Standard library only: make runs it with any Python 3.11.
Bad input ends in one line on stderr starting with "error:" and exit status 2;
a "no" to the question ends with exit status 1.
"""

import argparse
import json
import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_PRICES = Path(__file__).resolve().parents[1] / "prices.json"
# Resources whose loss loses the app's data: deleting them needs --delete-data.
DATA_VOLUMES = {"hcloud_volume", "openstack_blockstorage_volume_v3"}


class CostError(Exception):
    """Bad input: printed as one line, never as a traceback."""


@dataclass(frozen=True)
class Item:
    """One billed (or free) thing, as a line of the bill."""

    address: str
    what: str
    hourly: float

    @property
    def billed(self) -> bool:
        return self.hourly > 0


# --- Prices -----------------------------------------------------------------------


def load_json(path: Path, what: str) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise CostError(f"{what} {path} does not exist") from None
    except json.JSONDecodeError as error:
        raise CostError(f"{what} {path} is not JSON ({error.msg}, line {error.lineno})") from None


def shown(path: Path) -> Path:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd())
    except ValueError:
        return Path(path)


class PriceTable:
    def __init__(self, table: dict, path: Path):
        self.table = table
        self.path = shown(path)
        self.hours_per_month = table["hours_per_month"]

    def monthly(self, hourly: float) -> float:
        return hourly * self.hours_per_month

    def cloud_of(self, resource_type: str) -> str:
        return "openstack" if resource_type.startswith("openstack_") else "hetzner"

    def items(self, resource_type: str, address: str, values: dict) -> list[Item]:
        """The lines of the bill one resource makes; CostError when it cannot be priced."""
        cloud = self.cloud_of(resource_type)
        prices = self.table[cloud]
        if resource_type in prices["free"]:
            return [Item(address, "", 0.0)]
        price = PRICERS.get(resource_type)
        if price is None:
            raise CostError(
                f"no price for resource type {resource_type} ({address}) in {self.path}: "
                f"add it to {cloud}.free or give it a price"
            )
        return price(self, prices, address, values)

    def unknown_type(self, kind: str, name: str, known: dict, key: str) -> CostError:
        return CostError(
            f"unknown {kind} '{name}': {self.path} prices {', '.join(sorted(known)) or 'none'}; "
            f"pick one of those or add it under {key} with its price"
        )


def price_hcloud_server(table: PriceTable, prices: dict, address: str, values: dict) -> list[Item]:
    types = prices["server_types"]
    server_type, location = values.get("server_type"), values.get("location")
    if server_type not in types:
        raise table.unknown_type("Hetzner server type", server_type, types, "hetzner.server_types")
    entry = types[server_type]
    if location not in entry["locations"]:
        raise CostError(
            f"server type {server_type} is not offered in {location}: "
            f"its locations are {', '.join(entry['locations'])} ({table.path})"
        )
    spec = f"{server_type} in {location} ({entry['vcpus']} vCPU, {entry['memory_gb']} GB)"
    items = [Item(address, spec, entry["hourly"])]
    public_net = values.get("public_net") or [{"ipv4_enabled": True}]
    if any(net.get("ipv4_enabled", True) for net in public_net):
        items.append(Item(address, "primary IPv4 address", prices["primary_ipv4"]["hourly"]))
    return items


def price_hcloud_volume(table: PriceTable, prices: dict, address: str, values: dict) -> list[Item]:
    size = values.get("size") or 0
    hourly = size * prices["volume_gb"]["monthly"] / table.hours_per_month
    return [Item(address, f"{size} GB volume", hourly)]


def price_openstack_instance(
    table: PriceTable, prices: dict, address: str, values: dict
) -> list[Item]:
    flavors, flavor = prices["flavors"], values.get("flavor_name")
    if flavor not in flavors:
        raise table.unknown_type("OpenStack flavor", flavor, flavors, "openstack.flavors")
    return [Item(address, f"flavor {flavor}", flavors[flavor]["hourly"])]


def price_openstack_floating_ip(
    table: PriceTable, prices: dict, address: str, values: dict
) -> list[Item]:
    return [Item(address, "floating IPv4 address", prices["floating_ip"]["hourly"])]


PRICERS = {
    "hcloud_server": price_hcloud_server,
    "hcloud_volume": price_hcloud_volume,
    "openstack_compute_instance_v2": price_openstack_instance,
    "openstack_blockstorage_volume_v3": price_hcloud_volume,
    "openstack_networking_floatingip_v2": price_openstack_floating_ip,
}


# --- Terraform's JSON ---------------------------------------------------------------


def planned_creations(plan: dict) -> tuple[list[dict], list[dict]]:
    """(resources the plan creates or replaces, resources it keeps), managed ones only."""
    created, kept = [], []
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed":
            continue
        resource = {
            "address": change["address"],
            "type": change["type"],
            "values": change["change"].get("after") or {},
        }
        actions = change["change"]["actions"]
        if "create" in actions:
            created.append(resource)
        elif actions != ["delete"]:
            kept.append(resource)
    return created, kept


def state_resources(state: dict) -> list[dict]:
    """Managed resources of `terraform show -json`, root and child modules."""
    found = []

    def walk(module: dict):
        for resource in module.get("resources", []):
            if resource.get("mode") == "managed":
                found.append(resource)
        for child in module.get("child_modules", []):
            walk(child)

    walk((state.get("values") or {}).get("root_module") or {})
    return found


def items_of(table: PriceTable, resources: list[dict]) -> list[Item]:
    return [
        item
        for resource in resources
        for item in table.items(resource["type"], resource["address"], resource["values"])
    ]


# --- Output -----------------------------------------------------------------------


def money(amount: float) -> str:
    return f"{amount:8.2f}"


def print_items(table: PriceTable, items: list[Item], sign: str, extra=None):
    width = max((len(item.address) for item in items), default=0)
    for item in items:
        cost = f"{money(table.monthly(item.hourly))} /month" if item.billed else "    free"
        line = f"  {sign} {item.address:<{width}}  {item.what:<36} {cost}"
        if extra:
            line += extra(item)
        print(line.rstrip())


def print_source(table: PriceTable, cloud: str):
    print(
        f"  Prices: {table.table['currency']} excl. VAT, as of {table.table['as_of']} "
        f"({table.path}; source: {table.table[cloud]['source']})."
    )


def confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        print(f"{question} yes (YES=1)")
        return True
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def cloud_of(table: PriceTable, resources: list[dict]) -> str:
    return table.cloud_of(resources[0]["type"]) if resources else "hetzner"


# --- Commands -----------------------------------------------------------------------


def command_plan(args, table: PriceTable) -> int:
    created, kept = planned_creations(load_json(args.json, "plan"))
    new_items, kept_items = items_of(table, created), items_of(table, kept)
    cloud = cloud_of(table, created + kept)
    new_hourly = sum(item.hourly for item in new_items)
    total_hourly = new_hourly + sum(item.hourly for item in kept_items)
    if not created:
        existing = money(table.monthly(total_hourly)).strip()
        print(
            f"Nothing new to create; what exists costs {existing} {table.table['currency']}/month."
        )
        return 0
    print(f"Terraform will create on {cloud}:")
    print_items(table, new_items, "+")
    currency = table.table["currency"]
    print(
        f"  New cost: {money(table.monthly(new_hourly)).strip()} {currency}/month "
        f"({new_hourly:.4f} {currency}/hour, billed while it exists, even when stopped)."
    )
    if kept_items:
        print(f"  With what exists: {money(table.monthly(total_hourly)).strip()} {currency}/month.")
    print_source(table, cloud)
    if not any(item.billed for item in new_items):
        return 0
    if confirm("Create these and start paying?", args.yes):
        return 0
    print("Nothing was created.")
    return 1


def hours_since(first_seen: str | None, now: datetime) -> int | None:
    if not first_seen:
        return None
    started = datetime.fromisoformat(first_seen)
    # Hetzner bills every started hour.
    return max(1, math.ceil((now - started).total_seconds() / 3600))


def running_extra(table: PriceTable, ledger: dict, now: datetime):
    def extra(item: Item) -> str:
        if not item.billed:
            return ""
        hours = hours_since(ledger.get(item.address), now)
        if hours is None:
            return "   since: unknown"
        return f"   {hours:>5} h, {money(hours * item.hourly).strip()} so far"

    return extra


def so_far(items: list[Item], ledger: dict, now: datetime) -> float:
    return sum(
        (hours_since(ledger.get(item.address), now) or 0) * item.hourly
        for item in items
        if item.billed
    )


def command_status(args, table: PriceTable) -> int:
    resources = state_resources(load_json(args.json, "state"))
    if not resources:
        print("Nothing is running: Terraform's state is empty (nothing to pay for).")
        return 0
    items, ledger, now = items_of(table, resources), load_ledger(args.ledger), now_of(args)
    cloud = cloud_of(table, resources)
    currency = table.table["currency"]
    print(f"Running on {cloud} (as Terraform last saw it):")
    print_items(table, items, "*", running_extra(table, ledger, now))
    hourly = sum(item.hourly for item in items)
    print(f"  Cost: {money(table.monthly(hourly)).strip()} {currency}/month; "
          f"{money(so_far(items, ledger, now)).strip()} {currency} so far.")  # fmt: skip
    if any(item.billed and item.address not in ledger for item in items):
        print("  'since: unknown': created outside `make deploy-cloud`, not counted so far.")
    print_source(table, cloud)
    return 0


def command_destroy(args, table: PriceTable) -> int:
    resources = state_resources(load_json(args.json, "state"))
    if not resources:
        print("Nothing to delete: Terraform's state is empty.")
        return 0
    volumes = [r["address"] for r in resources if r["type"] in DATA_VOLUMES]
    if volumes and not args.delete_data:
        raise CostError(
            f"{volumes[0]} holds the task data (MongoDB's volume) and is protected: back it up "
            "(docs/deploy.md), then run make destroy-cloud DELETE_DATA=1"
        )
    items, ledger, now = items_of(table, resources), load_ledger(args.ledger), now_of(args)
    cloud = cloud_of(table, resources)
    print(f"Terraform will delete on {cloud}:")
    print_items(table, items, "-", running_extra(table, ledger, now))
    currency = table.table["currency"]
    hourly = sum(item.hourly for item in items)
    print(f"  Stops {money(table.monthly(hourly)).strip()} {currency}/month "
          f"({money(so_far(items, ledger, now)).strip()} {currency} spent so far).")  # fmt: skip
    if volumes:
        print(f"  Deleted with its data: {', '.join(volumes)}.")
    print_source(table, cloud)
    if confirm("Delete all of this?", args.yes):
        return 0
    print("Nothing was deleted.")
    return 1


def command_record(args, table: PriceTable) -> int:
    """Keep the first time each billed resource was seen; forget the deleted ones."""
    resources = state_resources(load_json(args.json, "state"))
    ledger, now = load_ledger(args.ledger), now_of(args).isoformat(timespec="seconds")
    billed = {item.address for item in items_of(table, resources) if item.billed}
    updated = {address: ledger.get(address, now) for address in sorted(billed)}
    Path(args.ledger).write_text(json.dumps(updated, indent=1) + "\n")
    return 0


def load_ledger(path: str | None) -> dict:
    if not path or not Path(path).exists():
        return {}
    return load_json(Path(path), "ledger")


def now_of(args) -> datetime:
    if args.now:
        try:
            return datetime.fromisoformat(args.now)
        except ValueError:
            raise CostError(
                f"--now {args.now!r} is not an ISO time such as 2026-12-01T10:00:00+00:00"
            ) from None
    return datetime.now(UTC)


COMMANDS = {
    "plan": command_plan,
    "status": command_status,
    "destroy": command_destroy,
    "record": command_record,
}


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("json", type=Path, help="terraform show -json output (plan or state)")
    parser.add_argument("--prices", type=Path, default=DEFAULT_PRICES)
    parser.add_argument("--ledger", help="file of the times resources appeared (record/status)")
    parser.add_argument("--yes", action="store_true", help="do not ask (YES=1)")
    parser.add_argument("--delete-data", action="store_true", help="allow deleting the data volume")
    parser.add_argument("--now", help="the current time, ISO 8601 (for tests)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        table = PriceTable(load_json(args.prices, "price table"), args.prices)
        return COMMANDS[args.command](args, table)
    except CostError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
