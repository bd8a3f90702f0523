"""The supervisor's campaigns screen: every campaign with its live figures; new, edit, add leads
(dialogs: campaign_form, leads_dialog), start/pause/stop.

A worker fetches the list and the selected campaign's statistics every few seconds; rows are
updated in place by key (a campaign's row is never rebuilt while the supervisor reads it).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import KeySpec, install
from console.tui.supervisor.campaign_form import CampaignForm
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.leads_dialog import LeadsDialog
from console.tui.text import label

CAMPAIGN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("campaigns.back", "escape", "close", "camp.key.back"),
    KeySpec("campaigns.new", "f2", "new", "camp.key.new"),
    KeySpec("campaigns.edit", "f3", "edit", "camp.key.edit"),
    KeySpec("campaigns.leads", "f4", "leads", "camp.key.leads"),
    KeySpec("campaigns.refresh", "f5", "refresh", "camp.key.refresh"),
    KeySpec("campaigns.start", "f6", "move('start')", "camp.key.start"),
    KeySpec("campaigns.pause", "f7", "move('pause')", "camp.key.pause"),
    KeySpec("campaigns.stop", "f8", "move('stop')", "camp.key.stop"),
)
COLUMNS = ("id", "name", "kind", "mode", "status", "window", "left")
REFRESH_S = 5.0


def row_cells(c: dict[str, Any]) -> tuple[str, ...]:
    leads = c.get("leads", {})
    return (str(c["id"]), c["name"], t(f"camp.kind.{c['kind']}"), t(f"camp.mode.{c['mode']}"),
            t(f"camp.status.{c['status']}"), f"{c['window_start'][:5]}–{c['window_end'][:5]}",
            str(leads.get("pending", 0) + leads.get("dialing", 0)))


def detail_lines(s: dict[str, Any]) -> list[str]:
    lines = [t("camp.detail", id=s["campaign"], attempts=s["attempts"], contacts=s["contacts"],
               rpc=s["right_party_contacts"], connected=s["connected"], abandon=f"{s['abandon_rate'] * 100:.1f}%",
               left=s["leads_left"])]
    if s.get("dispositions"):
        counts = sorted(s["dispositions"].items(), key=lambda item: (-item[1], item[0]))  # the most frequent first
        items = ", ".join(f"{label('disposition', k)} {v}" for k, v in counts)
        lines.append(t("camp.detail.dispositions", items=items))
    if s.get("excluded"):
        lines.append(t("camp.detail.excluded", items=", ".join(
            f"{t(f'camp.exclusion.{k}')} {v}" for k, v in sorted(s["excluded"].items()))))
    return lines


class CampaignsLoaded(Message):
    def __init__(self, campaigns: list[dict[str, Any]], stats: dict[str, Any] | None) -> None:
        super().__init__()
        self.campaigns, self.stats = campaigns, stats


class CampaignsScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.campaigns: dict[int, dict[str, Any]] = {}  # by id, as last listed
        self.select_after_load: str | None = None
        install(self, CAMPAIGN_KEYS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="campaigns"):
            yield DataTable(id="campaign-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="campaign-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("camp.title")
        table = self.query_one("#campaign-table", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"camp.col.{column}"), key=column)
        self.load()
        self.set_interval(REFRESH_S, self.load)

    def selected(self) -> int | None:
        table = self.query_one("#campaign-table", DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_new(self) -> None:
        self.app.push_screen(CampaignForm(self.ctx), self._saved)

    def action_edit(self) -> None:
        if (campaign := self._chosen()) is not None:
            self.app.push_screen(CampaignForm(self.ctx, campaign), self._saved)

    def action_leads(self) -> None:
        if (campaign := self._chosen()) is not None:
            self.app.push_screen(LeadsDialog(self.ctx, campaign), lambda added: self.load() if added else None)

    def _chosen(self) -> dict[str, Any] | None:
        campaign = self.campaigns.get(self.selected()) if self.selected() is not None else None
        if campaign is None:
            self.notify(t("camp.no_selection"), severity="warning")
        return campaign

    def _saved(self, row: dict[str, Any] | None) -> None:
        if row is not None:
            self.select_after_load = str(row["id"])  # a new campaign: its row once it is listed
            self.load()

    def action_move(self, action: str) -> None:
        if (campaign := self.selected()) is not None:
            self.move(campaign, action)

    @work(group="campaign-actions")
    async def move(self, campaign: int, action: str) -> None:
        try:
            row = await self.ctx.client.move_campaign(campaign, action)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(t("camp.moved", id=campaign, status=t(f"camp.status.{row['status']}")))
        self.load()

    @work(exclusive=True, group="campaigns")
    async def load(self) -> None:
        try:
            campaigns = await self.ctx.client.campaigns()
            chosen = self.selected() or (campaigns[0]["id"] if campaigns else None)
            stats = await self.ctx.client.campaign_stats(chosen) if chosen else None
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.post_message(CampaignsLoaded(campaigns, stats))

    @on(CampaignsLoaded)
    def _loaded(self, message: CampaignsLoaded) -> None:
        table = self.query_one("#campaign-table", DataTable)
        with self.app.batch_update():
            for campaign in message.campaigns:
                self.campaigns[int(campaign["id"])] = campaign
                key, cells = str(campaign["id"]), row_cells(campaign)
                if key in table.rows:
                    for column, value in zip(COLUMNS, cells, strict=True):
                        table.update_cell(key, column, value)
                else:
                    table.add_row(*cells, key=key)
            if self.select_after_load in table.rows:
                table.move_cursor(row=table.get_row_index(self.select_after_load))
                self.select_after_load = None
            detail = detail_lines(message.stats) if message.stats else [t("camp.none")]
            self.query_one("#campaign-detail", Label).update("\n".join(detail))

    @on(DataTable.RowHighlighted, "#campaign-table")
    def _highlighted(self) -> None:
        self.load()
