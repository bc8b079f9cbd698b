"""The union tree's top and the demo logins, one per persona."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from gonghui.core.models import Org, OrgKind, User
from gonghui.core.services import org_create, role_grant

DEMO_PASSWORD = "gonghui-demo-2026"  # noqa: S105  # printed by make run; DEMO mode only

# (code, name, kind, parent code)
TREE: tuple[tuple[str, str, OrgKind, str | None], ...] = (
    ("HH", "淮河市总工会", OrgKind.CITY_FEDERATION, None),
    ("HH-DH", "东湖区总工会", OrgKind.DISTRICT_FEDERATION, "HH"),
    ("HH-XS", "西山区总工会", OrgKind.DISTRICT_FEDERATION, "HH"),
    ("HH-NL", "南岭区总工会", OrgKind.DISTRICT_FEDERATION, "HH"),
    ("HH-BG", "北港区总工会", OrgKind.DISTRICT_FEDERATION, "HH"),
    ("HH-QH", "青禾县总工会", OrgKind.DISTRICT_FEDERATION, "HH"),
    ("HH-DH-JD1", "东湖街道总工会", OrgKind.STREET_FEDERATION, "HH-DH"),
    ("HH-DH-KD", "东湖区快递行业工会联合会", OrgKind.INDUSTRY_FEDERATION, "HH-DH"),
    ("HH-DH-WY", "东湖区网约送餐行业工会联合会", OrgKind.INDUSTRY_FEDERATION, "HH-DH"),
    ("HH-XS-JD1", "西山街道总工会", OrgKind.STREET_FEDERATION, "HH-XS"),
    ("HH-DH-JD1-001", "淮河东湖精密机械有限公司工会", OrgKind.GRASSROOTS_UNION, "HH-DH-JD1"),
    ("HH-DH-KD-001", "东湖快递站点联合工会", OrgKind.JOINT_UNION, "HH-DH-KD"),
    ("HH-XS-JD1-001", "西山纺织有限公司工会", OrgKind.GRASSROOTS_UNION, "HH-XS-JD1"),
)


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: str
    org_code: str
    description: str


PERSONAS: tuple[Persona, ...] = (
    Persona("city_admin", "陈市总", "federation_admin", "HH", "市总工会管理员"),
    Persona("donghu_staff", "李东湖", "federation_staff", "HH-DH", "东湖区总工会工作人员"),
    Persona("xishan_staff", "王西山", "federation_staff", "HH-XS", "西山区总工会工作人员"),
    Persona("factory_chair", "赵主席", "grassroots_chair", "HH-DH-JD1-001", "东湖区企业工会主席"),
    Persona("courier_chair", "孙快递", "federation_admin", "HH-DH-KD", "快递行业工会联合会主席"),
    Persona("courier_worker", "周骑手", "worker", "HH-DH-KD-001", "快递员（职工）"),
    Persona("judge", "吴评委", "judge", "HH", "评委"),
    Persona("judge2", "钱评委", "judge", "HH", "评委"),
    Persona("judge3", "何评委", "judge", "HH", "评委（与一组选手同单位，回避）"),
    Persona("bank_officer", "郑行长", "bank_officer", "HH", "合作银行信贷员"),
    Persona("employer_hr", "冯人事", "employer_hr", "HH-DH-JD1-001", "企业人事"),
)


@transaction.atomic
def load() -> list[Persona]:
    orgs: dict[str, Org] = {o.code: o for o in Org.objects.filter(code__in=[t[0] for t in TREE])}
    for code, name, kind, parent_code in TREE:
        if code not in orgs:
            parent = orgs[parent_code] if parent_code else None
            orgs[code] = org_create(actor=None, name=name, code=code, kind=kind, parent=parent)
    for persona in PERSONAS:
        user, created = User.objects.get_or_create(
            username=persona.username, defaults={"display_name": persona.display_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        role_grant(actor=None, user=user, role=persona.role, org=orgs[persona.org_code])
    return list(PERSONAS)
