"""Beijing's residence permit (《北京市居住证》) endorsement rules B1–B3, as data.

Sources, the later governing where they differ:

* 《北京市实施〈居住证暂行条例〉办法》 (北京市人民政府令第270号, 2016-05-17,
  in force 2016-10-01), article 14: endorsed once a year, within the month
  before each full year; late, the permit is suspended until a late
  endorsement, and the years in Beijing count from that late endorsement.
* The Beijing police's change from 2017-09-01, as reported by 人民网
  (2017-08-31) and 千龙网 (2017-09-01): a permit is valid one year from its
  issue or endorsement (《北京市办理暂住登记和居住证实施细则（试行）》), and
  endorsement is accepted from 11 to 13 months after it, at any police station
  when the address is unchanged, or through the official "北京居住证" WeChat
  service with EMS collection. The announcement's own text was not found; two
  official news reports agree, so the basis is official.

No Shanghai-style 60-day continuity grace: after 13 months the permit is
suspended. Points (积分落户) exist in Beijing but are a separate application,
not part of the permit's endorsement: this policy has no points option.
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

__all__ = ["BEIJING"]

_DECREE = Reference(
    "《北京市实施〈居住证暂行条例〉办法》（北京市人民政府令第270号，2016年）第十四条",
    "https://www.beijing.gov.cn/",
)
_CHANGE_2017 = Reference(
    "北京市公安局2017年9月1日起的居住证签注新规（人民网2017年8月31日、千龙网2017年9月1日报道）",
    "http://english.qianlong.com/2017/0901/1994099.shtml",
)
_PROOFS = Reference(
    "《北京市实施〈居住证暂行条例〉办法》第七条、第八条；人民网2017年8月31日报道",
    "https://www.beijing.gov.cn/",
)

_WINDOW_OPENS = Rule(
    id="B1",
    kind=Kind.OPENING,
    anchor=Anchor.START,
    steps=(Step(11, Unit.MONTHS),),
    basis=Basis.OFFICIAL,
    title=Text("居住证签注期开始", "Endorsement window opens"),
    description=Text(
        "居住证自签发或上次签注之日起满11个月，从今天起可以办理签注，最晚到满13个月。"
        "居住地址未变的，可到本市任一户籍派出所办理，或通过“北京居住证”官方微信公众号申请，"
        "由EMS上门收证并寄回；地址变了的，到现住地派出所办理并带上新住所的证明。办理签注不收费。",
        "Your permit was issued or last endorsed 11 months ago: from today you can endorse it, "
        "until 13 months after. With the same address, endorse at any police station in "
        'Beijing, or apply through the official "北京居住证" WeChat service and EMS collects '
        "and returns the card; with a new address, go to the police station of the new "
        "address with proof of it. Endorsement is free.",
    ),
    references=(_DECREE, _CHANGE_2017),
    checklist=True,
)

_LAST_DAY = Rule(
    id="B2",
    kind=Kind.DEADLINE,
    anchor=Anchor.START,
    steps=(Step(13, Unit.MONTHS),),
    basis=Basis.OFFICIAL,
    title=Text("居住证签注截止", "Last day to endorse"),
    description=Text(
        "{day}是居住证自签发或上次签注之日起满13个月的日子，是办理签注的最后一天，"
        "请最迟{act_by}办理。北京市人民政府令第270号原文要求在居住每满1年之日前1个月内签注；"
        "2017年9月1日起，北京市公安机关把办理时间延长一个月，这里按较晚的官方说法计算。\n"
        "错过的后果：居住证使用功能中止；补办签注后恢复，但在京居住年限自补办签注之日起连续计算，"
        "此前的年限不再连续（连续居住年限是积分落户的指标之一）。",
        "{day} is 13 months after the permit was issued or last endorsed: the last day to "
        "endorse. Endorse by {act_by}. Decree 270 itself asks for endorsement within the month "
        "before each full year; from 1 September 2017 the Beijing police accept it one month "
        "longer, and this follows that later official word.\n"
        "If you miss it: the permit's use is suspended; a late endorsement restores it, but "
        "your years in Beijing then count only from the late endorsement (continuous years "
        "count for 积分落户).",
    ),
    references=(_DECREE, _CHANGE_2017),
    remind=True,
    void_once_renewed=True,
    todo=Text("办理居住证签注", "endorse the permit"),
    action=Text(
        "办理居住证签注：地址未变的，到任一户籍派出所或通过“北京居住证”微信公众号办理；"
        "地址变了的，到现住地派出所办理。",
        "Endorse the permit: with the same address at any police station or through the "
        '"北京居住证" WeChat service; with a new address at its police station.',
    ),
)

_SUSPENDED = Rule(
    id="B3",
    kind=Kind.CONSEQUENCE,
    anchor=Anchor.START,
    steps=(Step(13, Unit.MONTHS), Step(1, Unit.DAYS)),
    basis=Basis.OFFICIAL,
    title=Text("如仍未签注：居住证中止", "If not endorsed: permit suspended"),
    description=Text(
        "从今天起，未签注的《北京市居住证》使用功能中止。请尽快到派出所补办签注：补办后使用功能恢复，"
        "在京居住年限自补办签注之日起连续计算。补办后，请把补办签注的日期作为新的签发日期填写，"
        "日历会从那天起重新计算。",
        "From today a Beijing permit not endorsed is suspended. Endorse it late at a police "
        "station as soon as you can: that restores it, and your years in Beijing count from "
        "the late endorsement. Then enter the late endorsement's date as the new issue date, "
        "and the calendar counts from it.",
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
            "到现住地所属派出所办理，带居住证、本人身份证明，以及在京现住所证明：自有住房提供房屋所有权"
            "证明；租住提供租赁合同或协议；寄住或借住提供房屋所有人或户主出具的证明；住在单位内部提供"
            "加盖单位公章的居住证明。",
            "go to the police station of the new address with the permit, your ID, and proof "
            "of the address: for your own home, proof of ownership; rented, the lease; "
            "staying with others, a certificate from the owner or householder; in an "
            "employer's housing, the employer's sealed certificate.",
        ),
    ),
    ChangeChecklist(
        Change.EMPLOYER,
        Text("工作单位", "Employer"),
        Text(
            "签注时须证明仍符合申领条件：新的就业证明，如工商营业执照、劳动合同或用人单位出具的"
            "劳动关系证明。",
            "endorsement asks for proof that you still qualify: proof of the new employment, "
            "such as a business licence, the labour contract or the employer's certificate "
            "of employment.",
        ),
    ),
)

BEIJING = Policy(
    id="beijing",
    version="2026.12.1",
    updated=dt.date(2026, 12, 3),
    feed_name=Text("北京居住证提醒", "Beijing permit deadlines"),
    feed_description=Text(
        "《北京市居住证》签注的各项日期，由 permitcal 根据你填写的日期生成。"
        "日期仅供参考，请以官方通知为准。",
        "Dates for endorsing the Beijing residence permit, computed by permitcal from the "
        "dates you entered. For reference only: official notices prevail.",
    ),
    category=Text("居住证", "Residence permit"),
    rules=(_WINDOW_OPENS, _LAST_DAY, _SUSPENDED),
    procedure=Text(
        "办理：地址未变的，带居住证和本人身份证明到本市任一户籍派出所，当场办结；或在“北京居住证”"
        "官方微信公众号申请，预约EMS上门收证，签注后寄回（约5天）。地址变了的，到现住地所属派出所"
        "办理地址变更和签注。办理签注不收费。",
        "The procedure: with the same address, bring the permit and your ID to any police "
        'station in Beijing and it is done at once; or apply through the official "北京居住证" '
        "WeChat service, and EMS collects the card and returns it endorsed (about five "
        "days). With a new address, the police station of that address records it and "
        "endorses. Endorsement is free.",
    ),
    procedure_without_points=Text(
        "办理：地址未变的，到本市任一户籍派出所或通过“北京居住证”微信公众号办理；"
        "地址变了的，到现住地所属派出所办理。办理签注不收费。",
        "The procedure: with the same address, at any police station or through the "
        '"北京居住证" WeChat service; with a new address, at its police station. Free.',
    ),
    checklists=_CHECKLISTS,
    wording=endorsement_wording(
        Text("派出所", "police stations"),
        Text("派出所或12345热线", "a police station or the 12345 hotline"),
    ),
    # A permit runs one year from its issue or endorsement; endorsement is accepted
    # from 11 to 13 months after it (a later one is late, restarts the years: a new
    # start); a cycle is live until its suspension event (13 months and a day).
    cycle=Cycle(
        validity=(Step(1, Unit.YEARS),),
        renewal_opens=Offset(Anchor.START, (Step(11, Unit.MONTHS),)),
        renewal_closes=Offset(Anchor.START, (Step(13, Unit.MONTHS),)),
        live_until=Offset(Anchor.START, (Step(13, Unit.MONTHS), Step(1, Unit.DAYS))),
        counts_from_renewal=True,
        estimate_note=Text(
            "估计日期：这一年从上一次签注之日起算，而那次签注尚未记录；这里按满11个月当天签注推算"
            "（宁早勿晚）。签注后请填写签注日期，日期会随之更新。",
            "Estimate: this year counts from the endorsement before it, which is not recorded "
            "yet; it is counted as if made on the first day possible, 11 months after the one "
            "before (never later than the rule allows). Record the endorsement date to get "
            "the exact dates.",
        ),
    ),
    name=Text("北京市居住证", "Beijing residence permit"),
)
