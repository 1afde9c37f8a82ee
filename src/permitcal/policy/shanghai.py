"""Shanghai's residence permit (居住证) and points (积分) rules R1–R9, as data.

Sources, as summarised in RULES.md:

* 《上海市居住证管理办法》 (Shanghai Municipal People's Government, 2013;
  revised 2018) and the city's implementation rules 《上海市居住证申办实施细则》:
  one-year validity, endorsement within 30 days before expiry, late
  endorsement within 60 days keeps holding years continuous (R1–R4).
* A public guide to renewing the permit and its points (the project's source
  material) for R5–R9; these were not found in official texts and carry
  ``Basis.SOURCE``.
"""

from __future__ import annotations

import datetime as dt

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
from permitcal.policy.shanghai_wording import SHANGHAI_WORDING

__all__ = ["SHANGHAI"]

# Each official text is published by the body that issued or administers it;
# its address is that body's site (deep links to these pages have moved over
# the years; the sites' own search finds the current text by its title).
_MEASURES = Reference(
    "《上海市居住证管理办法》（上海市人民政府令第58号，2018年修正）", "https://www.shanghai.gov.cn/"
)
_IMPLEMENTATION = Reference(
    "《上海市居住证申办实施细则》（上海市公安局）", "https://gaj.sh.gov.cn/"
)
_POINTS_MEASURES = Reference(
    "《上海市居住证积分管理办法》（上海市人力资源和社会保障局）", "https://rsj.sh.gov.cn/"
)
# The source guide is the project's own material (docs/rules.md), with no public address.
_SOURCE_GUIDE = Reference(
    "来源指南（一份公开的上海居住证签注及积分续办指南）/ the project's source guide"
)
_ONLINE = Reference(
    "上海“一网通办” / Shanghai One-Netcom online services", "https://zwdt.sh.gov.cn/"
)

_EXPIRY = Rule(
    id="R1",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(),
    basis=Basis.OFFICIAL,
    title=Text("居住证及积分到期", "Permit & points expire"),
    description=Text(
        "{day}是居住证有效期的最后一天，积分随居住证一同到期。请最迟{act_by}完成签注："
        "可到任一社区事务受理服务中心办理，或通过“一网通办”“随申办”网上办理。"
        "多数持证人会被自动签注并收到短信，请核对短信或在网上查询，不要想当然。\n"
        "错过的后果：居住证使用功能中止；过期的积分不再有效，可能影响子女入学、中考、高考报名。",
        "Your residence permit is valid through {day}, and the points expire with it. "
        "Endorse the permit by {act_by}, at any community affairs service centre "
        "(社区事务受理服务中心) or online (一网通办 / 随申办). Most holders are endorsed "
        "automatically and get an SMS: check the SMS or look it up online rather than assume.\n"
        "If you miss it: the permit's use is suspended, and expired points count for nothing, "
        "which can block children's school, 中考 and 高考 registration.",
    ),
    references=(_MEASURES, _IMPLEMENTATION),
    remind=True,
    without_points=(
        Text("居住证到期", "Permit expires"),
        Text(
            "{day}是居住证有效期的最后一天。请最迟{act_by}完成签注："
            "可到任一社区事务受理服务中心办理，或通过“一网通办”“随申办”网上办理。"
            "多数持证人会被自动签注并收到短信，请核对短信或在网上查询，不要想当然。\n"
            "错过的后果：居住证使用功能中止。",
            "Your residence permit is valid through {day}. Endorse the permit by {act_by}, at "
            "any community affairs service centre (社区事务受理服务中心) or online (一网通办 / "
            "随申办). Most holders are endorsed automatically and get an SMS: check the SMS "
            "or look it up online rather than assume.\n"
            "If you miss it: the permit's use is suspended.",
        ),
    ),
    todo=Text("办理居住证签注", "endorse the permit"),
    action=Text(
        "办理居住证签注：到任一社区事务受理服务中心，或通过“一网通办”“随申办”网上办理。"
        "多数人会被自动签注并收到短信，请核对。",
        "Endorse the permit at any community affairs service centre or online "
        "(一网通办 / 随申办). Most holders are endorsed automatically and get an SMS: check it.",
    ),
)

_WINDOW_OPENS = Rule(
    id="R2",
    kind=Kind.OPENING,
    anchor=Anchor.EXPIRY,
    steps=(Step(-30, Unit.DAYS),),
    basis=Basis.OFFICIAL,
    title=Text("可以开始办理签注", "Endorsement can start"),
    description=Text(
        "从今天起可以办理居住证签注（有效期满前30日内），这是办理的最佳时间。"
        "先签注居住证，签注后才能续办积分。",
        "From today you can endorse (renew) your residence permit: this opens 30 days "
        "before expiry, and now is the best time to do it. Endorse the permit first; the "
        "points can only be renewed after it.",
    ),
    references=(_MEASURES, _IMPLEMENTATION, _ONLINE),
    checklist=True,
)

_CONTINUITY_ENDS = Rule(
    id="R3",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(Step(60, Unit.DAYS),),
    basis=Basis.OFFICIAL,
    title=Text("如仍未签注：补签截止", "If not endorsed: late endorsement ends"),
    description=Text(
        "居住证到期后60日内补办签注的，持有年限连续计算；{day}是最后一天。"
        "如果还没有签注，请务必最迟{act_by}补签。\n"
        "错过的后果：超过60日补签的，持有年限重新计算，影响居转户和子女入学等。",
        "If your permit expired without an endorsement, a late endorsement (补签) within "
        "60 days after expiry keeps your holding years continuous; {day} is the last day. "
        "If you have not endorsed yet, do it by {act_by} at the latest.\n"
        "If you miss it: a later endorsement restarts your holding years, which count for "
        "a Shanghai hukou (居转户) and for children's schooling.",
    ),
    references=(_MEASURES, _IMPLEMENTATION),
    remind=True,
    void_once_renewed=True,
    todo=Text("补办居住证签注（补签）", "endorse the permit late (补签)"),
    action=Text(
        "如果居住证还没有签注，请补办签注，以保持持有年限连续。",
        "If the permit is not endorsed yet, endorse it late (补签) to keep your holding "
        "years continuous.",
    ),
)

_HOLDING_YEARS_RESTART = Rule(
    id="R4",
    kind=Kind.CONSEQUENCE,
    anchor=Anchor.EXPIRY,
    steps=(Step(61, Unit.DAYS),),
    basis=Basis.OFFICIAL,
    title=Text("如仍未签注：居住证年限从头算", "If not endorsed: your years restart"),
    description=Text(
        "从今天起补办签注的，居住证连续年限将从头计算，此前累计的年限不再连续。"
        "如果仍未签注，请尽快办理，以免超过90天后须重新办证。",
        "From today a late endorsement restarts your permit holding years: the years held "
        "before no longer count as continuous. If you still have not endorsed, do it soon, "
        "before a new application becomes necessary.",
    ),
    references=(_MEASURES, _IMPLEMENTATION),
    void_once_renewed=True,
)

_NEW_APPLICATION = Rule(
    id="R5",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(Step(90, Unit.DAYS),),
    basis=Basis.SOURCE,
    title=Text("如仍未签注：90天补签截止", "If not endorsed: day 90, last late endorsement"),
    description=Text(
        "据来源指南，居住证到期超过90天仍未签注的，不能再补签，须重新申请办理居住证；"
        "{day}是最后一天，请最迟{act_by}办理。",
        "According to the source guide, a permit left unendorsed for more than 90 days after "
        "expiry can no longer be endorsed late: you must apply for a new permit. The last "
        "day is {day}: endorse by {act_by}.",
    ),
    references=(_SOURCE_GUIDE,),
    void_once_renewed=True,
    todo=Text("补办居住证签注（补签）", "endorse the permit late (补签)"),
)

_POINTS_DECLARATION = Rule(
    id="R6",
    kind=Kind.DEADLINE,
    anchor=Anchor.CARD_RECEIVED,
    steps=(Step(5, Unit.WORKING_DAYS),),
    points=True,
    basis=Basis.SOURCE,
    title=Text("积分申报截止", "Points declaration due"),
    description=Text(
        "据来源指南，签注完成、拿到新证后，须在5个工作日内办理积分申报（续办）。"
        "另有指南称，居住证签注后积分系统需要2–3个工作日才能看到签注结果，请先在积分系统确认。\n"
        "办理：单位未变更的，登录积分系统选择“续办申请”并更新个人信息；"
        "单位变更的，由新单位登记并提交。",
        "According to the source guide, the points must be declared (renewed, 续办) within "
        "five working days after you get the new card. Another guide says the "
        "points system may need 2–3 working days to see the endorsement: check it there first.\n"
        "How: if your employer is unchanged, log in to the points system, choose 续办申请 and "
        "update your details; if it changed, the new employer registers you and submits.",
    ),
    references=(_SOURCE_GUIDE, _POINTS_MEASURES),
    fallback_anchor=Anchor.EXPIRY,
    estimate_note=Text(
        "估计日期：尚未填写拿到新证的日期，此处按到期日当天拿到新证推算。"
        "拿到新证后请填写实际日期，即可得到准确的截止日。",
        "Estimate: the day you got the new card is not known yet, so this assumes "
        "you get it on the expiry date. Enter the real day to get the exact deadline.",
    ),
    remind=True,
    todo=Text("办理积分申报（续办）", "declare (renew) the points"),
    action=Text(
        "办理积分申报（续办）：单位未变更的，登录积分系统选择“续办申请”；单位变更的，由新单位登记并提交。",
        "Declare (renew) the points: with the same employer, choose 续办申请 in the points "
        "system; with a new employer, the employer registers you and submits.",
    ),
)

_POINTS_LAPSE = Rule(
    id="R7",
    kind=Kind.CONSEQUENCE,
    anchor=Anchor.EXPIRY,
    steps=(Step(1, Unit.DAYS),),
    points=True,
    basis=Basis.SOURCE,
    title=Text("如积分未续办：积分失效", "If points not renewed: points lapse"),
    description=Text(
        "据来源指南，积分没有宽限期：居住证到期次日起积分即失效，直至续办完成。"
        "也有近期指南称，信息无变更时积分会随居住证自动续期。"
        "请以短信或积分系统的显示为准，不要想当然。\n"
        "本事件排在“积分申报截止”之前时，原因是：积分在居住证到期次日失效，直到续办完成为止；"
        "续办在拿到新证之后申报，最迟在“积分申报截止”那天。",
        "According to the source guide, points have no grace period: from the day after the "
        "permit expires they are void until renewed. Some recent guides say points renew "
        "automatically with the permit when nothing changed. Check the SMS or the points "
        "system rather than assume.\n"
        'When this event comes before "Points declaration due", this is why: the points '
        "lapse the day after expiry until they are renewed, and the renewal is the "
        'declaration made after the new card arrives, due by the "Points declaration '
        'due" day.',
    ),
    references=(_SOURCE_GUIDE, _POINTS_MEASURES),
)

_POINTS_REVIEW_OVERDUE = Rule(
    id="R8",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(Step(60, Unit.DAYS),),
    points=True,
    basis=Basis.SOURCE,
    title=Text("如积分未续办：年审截止", "If points not renewed: review ends"),
    description=Text(
        "据来源指南，积分到期后60天内未完成年审（续办）的，须重新申请积分；{day}是最后一天，"
        "请最迟{act_by}办理。"
        "各指南说法不一，请以积分系统或短信为准。",
        "According to the source guide, if the points annual review (renewal) is not done "
        "within 60 days after expiry, the points must be applied for again; {day} is the last "
        "day: renew by {act_by}. Guides disagree: check the points system or the SMS.",
    ),
    references=(_SOURCE_GUIDE, _POINTS_MEASURES),
)

_EDUCATION_VERIFICATION = Rule(
    id="R9",
    kind=Kind.DEADLINE,
    anchor=Anchor.EXPIRY,
    steps=(Step(-30, Unit.DAYS), Step(-2, Unit.MONTHS)),
    points=True,
    basis=Basis.SOURCE,
    title=Text("新学历请开始认证", "Start degree verification"),
    description=Text(
        "你申报了学历变更。新学历须先认证（约需两个月），认证完成后才能续办积分。"
        "请最迟{act_by}开始办理学历认证，以便在可以开始办理签注时完成。",
        "You declared a new education record. A new degree must be verified first (about "
        "two months) before the points can be renewed. Start the verification by {act_by} "
        "so that it is done when the endorsement can start.",
    ),
    references=(_SOURCE_GUIDE,),
    requires_change=Change.EDUCATION,
)

_CHECKLISTS = (
    ChangeChecklist(
        Change.ADDRESS,
        Text("居住地址", "Address"),
        Text(
            "居住证明：房产证；已登记备案的租赁合同（租赁备案）；单位集体宿舍证明；"
            "或亲属户口簿加居委会出具的寄宿证明。地址变更应在30日内申报，否则自动签注会失败。",
            "proof of residence: property certificate; registered lease (租赁备案); employer "
            "dormitory certificate; or a relative's household register plus a neighbourhood "
            "committee 寄宿证明. Report a change of address within 30 days, or automatic "
            "endorsement fails.",
        ),
    ),
    ChangeChecklist(
        Change.EMPLOYER,
        Text("工作单位", "Employer"),
        Text(
            "新单位营业执照、劳动合同，以及原单位的离职证明或退工单。",
            "the new employer's business licence, the labour contract, and the previous "
            "employer's resignation certificate (离职证明 / 退工单).",
        ),
    ),
    ChangeChecklist(
        Change.EDUCATION,
        Text("学历", "Education"),
        Text(
            "先办理新学历认证（约两个月），认证完成后再续办积分。",
            "verify the new degree first (about two months), then renew the points.",
        ),
        points=True,
    ),
    ChangeChecklist(
        Change.TITLE,
        Text("职称", "Professional title"),
        Text(
            "职称证书、评审或考试记录、聘任表和岗位说明。",
            "certificate, evaluation or exam record, appointment form and job description.",
        ),
        points=True,
    ),
    ChangeChecklist(
        Change.SPOUSE,
        Text("配偶", "Spouse"),
        Text(
            "结婚证，以及配偶的身份证、居住证和户口簿。",
            "marriage certificate, and the spouse's ID card, residence permit and household "
            "register.",
        ),
        points=True,
    ),
)

SHANGHAI = Policy(
    id="shanghai",
    version="2026.12.1",
    updated=dt.date(2026, 12, 3),
    feed_name=Text("上海居住证提醒", "Shanghai permit deadlines"),
    feed_description=Text(
        "上海市居住证签注及积分续办的各项截止日期，由 permitcal 根据你填写的日期生成。"
        "日期仅供参考，请以官方通知为准。",
        "Deadlines for endorsing the Shanghai residence permit and renewing its points, "
        "computed by permitcal from the dates you entered. For reference only: official "
        "notices prevail.",
    ),
    category=Text("居住证", "Residence permit"),
    rules=(
        _EXPIRY,
        _WINDOW_OPENS,
        _CONTINUITY_ENDS,
        _HOLDING_YEARS_RESTART,
        _NEW_APPLICATION,
        _POINTS_DECLARATION,
        _POINTS_LAPSE,
        _POINTS_REVIEW_OVERDUE,
        _EDUCATION_VERIFICATION,
    ),
    procedure=Text(
        "办理步骤：\n"
        "1. 先办理居住证签注，签注后才能续办积分。\n"
        "2. 单位未变更：登录积分系统选择“续办申请”，更新个人信息；单位变更：由新单位登记并提交。\n"
        "3. 单位网上审核并提交；社区事务受理服务中心受理材料并出具回执，进入审核。\n"
        "4. 结果以短信通知；《积分通知单》可在网上打印，或到区人才服务中心领取。",
        "The procedure:\n"
        "1. Endorse the permit first; the points can only be renewed after it.\n"
        "2. Employer unchanged: log in, choose 续办申请 and update your details. Employer "
        "changed: the new employer registers you and submits.\n"
        "3. The employer reviews and submits online; the service centre accepts the documents "
        "and issues a receipt; the file is reviewed.\n"
        "4. The result arrives by SMS; print the points notice (积分通知单) online or collect it "
        "at the district talent service centre.",
    ),
    procedure_without_points=Text(
        "办理步骤：到任一社区事务受理服务中心，或通过“一网通办”“随申办”网上办理居住证签注；"
        "结果以短信通知。",
        "The procedure: endorse the permit at any community affairs service centre or online "
        "(一网通办 / 随申办); the result arrives by SMS.",
    ),
    checklists=_CHECKLISTS,
    wording=SHANGHAI_WORDING,
    # One year from issue or from the old expiry, whenever the renewal was made
    # (an early endorsement takes effect at the old expiry); a card belongs to the
    # renewal at E from R2's opening (E − 30 days) to R5's last day (E + 90 days),
    # and a cycle is live while R5 is still ahead.
    cycle=Cycle(
        validity=(Step(1, Unit.YEARS),),
        renewal_opens=Offset(Anchor.EXPIRY, (Step(-30, Unit.DAYS),)),
        renewal_closes=Offset(Anchor.EXPIRY, (Step(90, Unit.DAYS),)),
        live_until=Offset(Anchor.EXPIRY, (Step(90, Unit.DAYS),)),
    ),
    name=Text("上海市居住证（含积分）", "Shanghai residence permit (with points)"),
    points=True,
)
