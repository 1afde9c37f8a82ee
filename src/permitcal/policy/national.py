"""The State Council's national floor for every city's residence permit (N1–N3), as data.

Chosen explicitly by a holder whose city has no policy here; never applied
silently, and every event says that the city may have rules of its own.

Source, 《居住证暂行条例》 (国务院令第663号, 2015-11-26, in force 2016-01-01),
article 10: endorsed once a year, "在居住每满1年之日前1个月内"; late, the
permit's use is suspended (使用功能中止) until a late endorsement, and the
years of residence count again from that late endorsement. The article does
not say whether the next year counts from the anniversary or from the day of
the endorsement; many cities' rules say a permit runs one year from its
endorsement, which gives less time, so this policy counts from the endorsement
(RULES.md, "Other cities"). Article 21: endorsement is free.
"""

from __future__ import annotations

import datetime as dt

from permitcal.policy.endorsement_wording import endorsement_wording
from permitcal.policy.model import (
    Anchor,
    Basis,
    Change,
    ChangeChecklist,
    Cycle,
    Kind,
    Offset,
    Policy,
    Reference,
    Rule,
    Step,
    Text,
    Unit,
)

__all__ = ["NATIONAL"]

_DECREE = Reference(
    "《居住证暂行条例》（国务院令第663号，2015年）第十条",
    "https://www.gov.cn/zhengce/content/2015-12/12/content_10398.htm",
)
_DECREE_PROOFS = Reference(
    "《居住证暂行条例》（国务院令第663号，2015年）第九条、第二十一条",
    "https://www.gov.cn/zhengce/content/2015-12/12/content_10398.htm",
)

_OFFICE = Text(
    "居住地公安派出所或受公安机关委托的社区服务机构",
    "the local police station (公安派出所) or a community service body it entrusts",
)

_OPENS = Rule(
    id="N1",
    kind=Kind.OPENING,
    anchor=Anchor.EXPIRY,
    steps=(Step(-1, Unit.MONTHS),),
    basis=Basis.OFFICIAL,
    title=Text("居住证签注期开始", "Endorsement window opens"),
    description=Text(
        "居住证每年签注1次，应在居住每满1年之日前1个月内办理。从今天起可以到"
        f"{_OFFICE.zh}办理签注，办理签注不收费。",
        "The permit is endorsed once a year, within the month before each full year of "
        f"residence. From today you can endorse it at {_OFFICE.en}; endorsement is free.",
    ),
    references=(_DECREE,),
    checklist=True,
)

_LAST_DAY = Rule(
    id="N2",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(Step(-1, Unit.DAYS),),
    basis=Basis.OFFICIAL,
    title=Text("居住证签注截止", "Last day to endorse"),
    description=Text(
        "{day}是居住满1年之日的前一天，是按期办理签注的最后一天。请最迟{act_by}到"
        f"{_OFFICE.zh}办理签注。\n"
        "错过的后果：居住证使用功能中止；补办签注后恢复，但居住年限自补办签注之日起连续计算，"
        "此前的年限不再连续。",
        "{day} is the day before your full year of residence: the last day to endorse on "
        f"time. Endorse by {{act_by}} at {_OFFICE.en}.\n"
        "If you miss it: the permit's use is suspended; a late endorsement restores it, but "
        "your years of residence then count only from the late endorsement.",
    ),
    references=(_DECREE,),
    remind=True,
    void_once_renewed=True,
    todo=Text("办理居住证签注", "endorse the permit"),
    action=Text(
        f"办理居住证签注：到{_OFFICE.zh}办理，不收费。",
        f"Endorse the permit at {_OFFICE.en}; it is free.",
    ),
)

_SUSPENDED = Rule(
    id="N3",
    kind=Kind.CONSEQUENCE,
    anchor=Anchor.EXPIRY,
    steps=(),
    basis=Basis.OFFICIAL,
    title=Text("如仍未签注：居住证中止", "If not endorsed: permit suspended"),
    description=Text(
        "从今天起，未按期签注的居住证使用功能中止。请尽快补办签注：补办后使用功能恢复，"
        "居住年限自补办签注之日起连续计算。补办后，请把补办签注的日期作为新的签发日期填写，"
        "日历会从那天起重新计算。",
        "From today a permit not endorsed on time is suspended. Endorse it late as soon as "
        "you can: that restores it, and your years of residence count from the late "
        "endorsement. Then enter the late endorsement's date as the new issue date, and the "
        "calendar counts from it.",
    ),
    references=(_DECREE,),
    void_once_renewed=True,
    todo=Text("补办居住证签注", "endorse the permit late"),
)

_CHECKLISTS = (
    ChangeChecklist(
        Change.ADDRESS,
        Text("居住地址", "Address"),
        Text(
            "居住地住址证明，如房屋租赁合同、房屋产权证明文件、购房合同，或房屋出租人、用人单位、"
            "就读学校出具的住宿证明（条例第九条所列，当地要求可能不同）。",
            "proof of the address, such as a lease, a property certificate, a purchase "
            "contract, or a housing certificate from the landlord, employer or school (as "
            "article 9 lists them; your city may ask for others).",
        ),
    ),
    ChangeChecklist(
        Change.EMPLOYER,
        Text("工作单位", "Employer"),
        Text(
            "就业证明，如工商营业执照、劳动合同、用人单位出具的劳动关系证明（条例第九条所列，"
            "当地要求可能不同）。",
            "proof of employment, such as a business licence, the labour contract or the "
            "employer's certificate of employment (as article 9 lists them; your city may ask "
            "for others).",
        ),
    ),
)

NATIONAL = Policy(
    id="national",
    version="2026.12.1",
    updated=dt.date(2026, 12, 3),
    feed_name=Text("居住证签注提醒（全国规定）", "Permit endorsement (national rules)"),
    feed_description=Text(
        "按国务院《居住证暂行条例》计算的居住证签注日期，由 permitcal 根据你填写的日期生成。"
        "你所在的城市可能有自己的规定，请以当地公安机关为准。",
        "Residence permit endorsement dates under the State Council's Interim Regulations "
        "on Residence Permits, computed by permitcal from the dates you entered. Your city "
        "may have rules of its own: its police prevail.",
    ),
    category=Text("居住证", "Residence permit"),
    rules=(_OPENS, _LAST_DAY, _SUSPENDED),
    procedure=Text(
        f"办理：带居民身份证和居住证，到{_OFFICE.zh}办理签注；办理签注不收费。"
        "各地的办理方式（如网上办理）可能不同，请查询当地公安机关。",
        f"The procedure: bring your ID card and the permit to {_OFFICE.en}; endorsement is "
        "free. Cities may offer other ways (online, for example): ask the local police.",
    ),
    procedure_without_points=Text(
        f"办理：带居民身份证和居住证，到{_OFFICE.zh}办理签注；办理签注不收费。",
        f"The procedure: bring your ID card and the permit to {_OFFICE.en}; endorsement is free.",
    ),
    checklists=_CHECKLISTS,
    wording=endorsement_wording(
        Text("派出所", "police stations"), Text("当地公安机关", "the local police")
    ),
    # The window is the month before each anniversary A (A − 1 month … A − 1 day);
    # an endorsement after it is late, restarts the years: a new start (issued).
    cycle=Cycle(
        validity=(Step(1, Unit.YEARS),),
        renewal_opens=Offset(Anchor.EXPIRY, (Step(-1, Unit.MONTHS),)),
        renewal_closes=Offset(Anchor.EXPIRY, (Step(-1, Unit.DAYS),)),
        live_until=Offset(Anchor.EXPIRY),
        counts_from_renewal=True,
        estimate_note=Text(
            "估计日期：这一年从上一次签注之日起算，而那次签注尚未记录；这里按在签注期第一天办理"
            "推算（宁早勿晚）。签注后请填写签注日期，日期会随之更新。",
            "Estimate: this year counts from the endorsement before it, which is not recorded "
            "yet; it is counted as if made on the first day of its window (never later than "
            "the rule allows). Record the endorsement date to get the exact dates.",
        ),
    ),
    name=Text("全国规定（《居住证暂行条例》）", "National rules (Interim Regulations)"),
    event_note=Text(
        "本提醒按国务院《居住证暂行条例》（国务院令第663号）的全国规定计算。你所在的城市可能有"
        "自己的规定（签注时间、办理地点、材料、逾期后果），请以当地公安机关的规定为准。",
        "These dates follow the State Council's national rules (Interim Regulations on "
        "Residence Permits, Decree 663). Your city may have rules of its own (when and where "
        "to endorse, what to bring, what happens when late): its police prevail.",
    ),
)
