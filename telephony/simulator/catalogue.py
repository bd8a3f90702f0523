"""The scripted scenarios, one per reproducible capture, with the capture's numbers and timing."""

from __future__ import annotations

from telephony.simulator.dialout import Dialout
from telephony.simulator.model import UNKNOWN, CallSpec
from telephony.simulator.scenarios import (
    Scenario,
    Step,
    agent_channel,
    agent_hangs_up,
    caller_hangs_up,
    set_ring_delay,
)


def _caller(number: str, account: str, *, name: str = UNKNOWN, did: str = "95555", tier: str = "",
            patience_s: float | None = None, exit_key_after_s: float | None = None) -> CallSpec:
    return CallSpec(number=number, account=account, ivr_s=3.05, talk_s=None, name=name, did=did, tier=tier,
                    patience_s=patience_s, exit_key_after_s=exit_key_after_s)


def _answered(name: str, capture: str, ext: str, number: str, account: str, talk_end: float,
              by: str = "caller", caller_name: str = "<unknown>") -> Scenario:
    hang = caller_hangs_up(number) if by == "caller" else agent_hangs_up(number)
    return Scenario(name, capture, [("retail", ext, "")],
                    [Step(0.117, call=_caller(number, account, name=caller_name)), Step(talk_end, do=hang)],
                    end_t=13.7, ring_delays={ext: 3.0})


SCENARIOS: dict[str, Scenario] = {}


def _add(s: Scenario) -> None:
    SCENARIOS[s.name] = s


_add(_answered("answered-caller-hangup", "01-answered-caller-hangup.jsonl", "1001", "13800138000",
               "310012345678", 11.58))
_add(_answered("answered-agent-hangup", "02-answered-agent-hangup.jsonl", "1002", "02161234567",
               "310087654321", 11.19, by="agent"))
_add(_answered("chinese-caller-name", "16-chinese-caller-name-utf8.jsonl", "1001", "13816160016",
               "310016161616", 11.58, caller_name="张三丰"))
_add(Scenario(
    "abandon-all-paused", "03-abandon-all-paused.jsonl",
    [("retail", "1001", "lunch"), ("retail", "1002", "training")],
    [Step(0.119, call=_caller("13912345678", "310011112222", patience_s=12.2))], end_t=17.9))
_add(Scenario(
    "ringnoanswer-then-next-agent", "04-ringnoanswer-then-next-agent.jsonl",
    [("retail", "1001", ""), ("retail", "1002", "toilet")],
    [Step(0.115, call=_caller("13700001111", "310033334444")),
     Step(6.172, action={"Action": "QueuePause", "Interface": "PJSIP/1002", "Paused": "false"}),
     Step(33.376, do=caller_hangs_up("13700001111"))],
    end_t=35.7, ring_delays={"1001": None, "1002": 2.51}, late_device_state=True))
_add(Scenario(
    "blind-transfer", "06-blind-transfer.jsonl", [("retail", "1001", "")],
    [Step(0.115, call=_caller("13811112222", "310077778888")),
     Step(9.183, action={"Action": "BlindTransfer", "Channel": agent_channel("1001"),
                         "Context": "transfer-targets", "Exten": "1002"}),
     Step(28.376, do=caller_hangs_up("13811112222"))],
    end_t=30.7, ring_delays={"1001": 2.0, "1002": 3.0}, late_device_state=True))
_add(Scenario(
    "attended-transfer", "07-attended-transfer.jsonl", [("retail", "1001", "")],
    [Step(0.115, call=_caller("13833334444", "310012121212")),
     Step(8.179, action={"Action": "Atxfer", "Channel": agent_channel("1001"),
                         "Context": "transfer-targets", "Exten": "1002"}),
     Step(14.178, do=agent_hangs_up("13833334444")),
     Step(33.374, do=caller_hangs_up("13833334444"))],
    end_t=35.7, ring_delays={"1001": 2.0, "1002": 2.0}))


def _login_steps() -> list[Step]:
    add, pause, remove = "QueueAdd", "QueuePause", "QueueRemove"
    wang = {"Interface": "PJSIP/1003", "MemberName": "王芳"}
    chen = "Local/1004@agents/n"
    actions = [
        {"Action": add, "Queue": "retail", "Penalty": "0", "StateInterface": "PJSIP/1003", **wang},
        {"Action": add, "Queue": "vip", "Penalty": "1", **wang},
        {"Action": add, "Queue": "retail", "Interface": chen, "Penalty": "0", "MemberName": "陈杰",
         "StateInterface": "PJSIP/1004", "Paused": "true", "Reason": "after-call-work"},
        {"Action": add, "Queue": "retail", **wang},
        {"Action": pause, "Interface": "PJSIP/1003", "Paused": "true", "Reason": "lunch"},
        {"Action": pause, "Interface": "PJSIP/1003", "Paused": "false", "Queue": "vip"},
        {"Action": pause, "Interface": "PJSIP/1003", "Paused": "false"},
        {"Action": pause, "Interface": chen, "Paused": "false"},
        {"Action": pause, "Interface": chen, "Paused": "true", "Reason": "break", "Queue": "retail"},
        {"Action": "QueuePenalty", "Interface": "PJSIP/1003", "Penalty": "0", "Queue": "vip"},
        {"Action": "QueueLog", "Queue": "retail", "Event": "AGENTNOTE", "Interface": "PJSIP/1003",
         "Message": "ticket T-1001"},
        {"Action": remove, "Queue": "vip", "Interface": "PJSIP/1003"},
        {"Action": remove, "Queue": "retail", "Interface": "PJSIP/1003"},
        {"Action": remove, "Queue": "retail", "Interface": "PJSIP/1003"},
        {"Action": remove, "Queue": "retail", "Interface": chen},
        {"Action": pause, "Interface": "PJSIP/1999", "Paused": "true", "Reason": "x"},
    ]
    return [Step(0.002 + i, action=a) for i, a in enumerate(actions)]


_add(Scenario("agent-login-pause-logout", "08-agent-login-pause-logout.jsonl", [], _login_steps(), end_t=17.0))


def _campaign(number: str, account: str, timeout: str = "20000") -> dict[str, str]:
    return {"Action": "Originate", "Channel": f"PJSIP/{number}@carrier", "Context": "campaign", "Exten": "s",
            "Priority": "1", "CallerID": '"Brokerage" <95555>', "Timeout": timeout, "Async": "true",
            "Variable": f"CAMPAIGN_NUMBER={number}\nCAMPAIGN_ACCOUNT={account}\nCAMPAIGN_ID=margin-call-0601"}


_add(Scenario(
    "outbound-callback-originate", "09-outbound-callback-originate.jsonl", [("retail", "1002", "")],
    [Step(0.002, action={"Action": "Originate", "Channel": "PJSIP/1001", "Context": "outbound",
                         "Exten": "13900139000", "Priority": "1", "CallerID": '"Callback 13900139000" <13900139000>',
                         "Timeout": "20000", "Async": "true",
                         "Variable": "CUSTOMER_ACCOUNT=310024682468\nCALLBACK_TICKET=T-20001"}),
     Step(13.031, action=_campaign("13910001000", "310013571357")),
     Step(36.080, action=_campaign("13700137000", "310000000137")),
     Step(37.588, action=_campaign("13600136000", "310000000136", "8000")),
     Step(46.601, action=_campaign("13500135000", "310000000135"))],
    end_t=48.6, ring_delays={"1001": 2.0, "1002": 2.0},
    dialout={"13900139000": Dialout("answer", 2.0, 8.0), "13910001000": Dialout("answer", 2.0, 18.0),
             "13700137000": Dialout("busy"), "13600136000": Dialout("noanswer"),
             "13500135000": Dialout("unreachable")}))
_add(Scenario(
    "ringall-third-agent-answers", "14-ringall-third-agent-answers.jsonl",
    [("ringall", "1001", ""), ("ringall", "1002", ""), ("ringall", "1003", "")],
    [Step(0.117, call=_caller("13911140014", "310014141414", did="95556")),
     Step(11.879, do=caller_hangs_up("13911140014"))],
    end_t=14.2, ring_delays={"1001": 8.0, "1002": 9.0, "1003": 3.0}, queues=("retail", "vip", "ringall"),
    late_device_state=True))
_add(Scenario(
    "direct-extension-call", "18-direct-extension-call.jsonl", [],
    [Step(0.114, call=CallSpec("02188180001", did="95557", direct_to="1002", talk_s=None)),
     Step(9.131, do=caller_hangs_up("02188180001")),
     Step(11.0, do=set_ring_delay("1002", None)),
     Step(11.754, call=CallSpec("13918180002", did="95557", direct_to="1002", talk_s=None))],
    end_t=34.3, ring_delays={"1002": 3.0}))
_add(Scenario(
    "queue-exit-callback-request", "19-queue-exit-callback-request.jsonl",
    [("retail", "1001", "lunch"), ("retail", "1002", "meeting")],
    [Step(0.115, call=_caller("13719190019", "310019191919", exit_key_after_s=8.2))], end_t=13.9))
_add(Scenario(
    "vip-priority", None, [("retail", "1001", "lunch"), ("vip", "1001", "lunch")],
    [Step(0.1, call=_caller("13800000001", "310000000001")),
     Step(1.1, call=_caller("13500000005", "880000000005", tier="vip")),
     Step(8.0, action={"Action": "QueuePause", "Interface": "PJSIP/1001", "Paused": "false"}),
     Step(20.0, do=caller_hangs_up("13500000005")), Step(40.0, do=caller_hangs_up("13800000001"))],
    end_t=45.0, ring_delays={"1001": 2.0}))
_add(Scenario(
    "ringall-caller-leaves", None,
    [("ringall", "1001", ""), ("ringall", "1002", ""), ("ringall", "1003", "")],
    [Step(0.117, call=_caller("13915150015", "310015151515", did="95556", patience_s=5.0))],
    end_t=12.0, ring_delays={"1001": None, "1002": None, "1003": None}, queues=("retail", "vip", "ringall")))
_add(Scenario(
    "margin-joinempty-leaveempty", None, [("margin", "1001", "lunch"), ("margin", "1002", "")],
    [Step(0.1, call=_caller("13820200001", "310020200001", did="95558")),  # 1002 rings, never answers
     Step(0.2, do=set_ring_delay("1002", None)),
     Step(5.0, action={"Action": "QueueRemove", "Queue": "margin", "Interface": "PJSIP/1002"}),
     Step(10.0, call=_caller("13820200002", "310020200002", did="95558"))],
    end_t=20.0, queues=("retail", "vip", "margin")))
_add(Scenario(
    "supervisor-status-and-chanspy", "10-supervisor-status-and-chanspy.jsonl",
    [("vip", "Local/1004@agents/n", "lunch"), ("vip", "1001", ""), ("retail", "1001", ""),
     ("retail", "1002", ""), ("retail", "1003", "coaching")],
    [Step(0.12, call=_caller("13800000001", "310000000001")),
     Step(4.80, call=_caller("13800000002", "310000000002")),
     Step(10.48, call=_caller("13800000003", "310000000003", patience_s=30.2)),
     Step(10.484, call=_caller("13800000004", "310000000004", patience_s=30.21)),
     Step(10.485, call=_caller("13500000005", "880000000002", tier="vip", patience_s=30.21)),
     Step(17.371, action={"Action": "QueueSummary"}),
     Step(17.373, action={"Action": "QueueSummary", "Queue": "retail"}),
     Step(17.374, action={"Action": "CoreShowChannels"}),
     Step(17.375, action={"Action": "Originate", "Channel": "PJSIP/1009", "Application": "ChanSpy",
                          "Data": "PJSIP/1001,qE", "CallerID": '"Spy 1001" <1009>', "Timeout": "15000",
                          "Async": "true"}),
     Step(24.489, action={"Action": "Hangup", "Channel": agent_channel("1009"), "Cause": "16"}),
     Step(43.38, do=caller_hangs_up("13800000001")), Step(48.06, do=caller_hangs_up("13800000002"))],
    end_t=50.5, ring_delays={"1001": 1.51, "1002": 1.51, "1009": 1.0}, extra_phones=("1009",),
    late_device_state=(False, True)))
