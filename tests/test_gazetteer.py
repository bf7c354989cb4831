"""The gazetteer: real divisions from cpca, derived zones, short forms, longest-match lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import gazetteer
from pipeline.gazetteer import (
    alternative_names,
    district_names,
    divisions,
    find_division,
    former_names,
    match_districts,
    redesignated_names,
    short_forms,
    zones,
)

SEED = Path("/work/shared/seed/000_0da37259df4ed078.txt")


def test_real_divisions_come_from_cpca_with_levels_and_parents():
    divs = divisions()
    levels = {level: sum(d.level == level for d in divs) for level in ("province", "city", "county")}
    assert levels["province"] == 34 and levels["city"] > 300 and levels["county"] > 2500
    assert not any(d.derived for d in divs)
    lianshui = find_division("涟水县")
    assert (lianshui.level, lianshui.city, lianshui.province) == ("county", "淮安市", "江苏省")
    assert lianshui.adcode == "320826"
    assert find_division("淮安市").level == "city" and find_division("淮安市").province == "江苏省"
    assert find_division("北京市").level == "province"
    assert "市辖区" not in district_names()


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("淮安市", "city", ("淮安",)),
        ("涟水县", "county", ("涟水",)),
        ("清江浦区", "county", ("清江浦",)),
        ("淮安区", "county", ()),  # 淮安 would be the city
        ("浦东新区", "county", ("浦东",)),
        ("黔西南布依族苗族自治州", "city", ("黔西南州", "黔西南")),
        ("本溪满族自治县", "county", ("本溪县", "本溪")),
        ("广西壮族自治区", "province", ("广西",)),
        ("新疆维吾尔自治区", "province", ("新疆",)),
        ("香港特别行政区", "province", ("香港",)),
        ("喀什地区", "city", ("喀什",)),
    ],
)
def test_short_forms(name, level, expected):
    assert short_forms(name, level) == expected


def test_zones_are_derived_deterministically_from_cities_and_counties():
    huaian = {z.name: z for z in zones() if z.city == "淮安市"}
    assert {"淮安经济技术开发区", "淮安高新技术产业开发区", "淮安工业园区", "涟水经济开发区"} <= set(huaian)
    assert huaian["淮安经济技术开发区"].short_forms == ("淮安经开区",)
    assert all(z.derived and z.level == "zone" for z in huaian.values())
    assert not any(z.name.startswith("清江浦") for z in zones())  # no zones named after city districts
    assert [z.name for z in zones()] == [z.name for z in gazetteer.zones.__wrapped__()]


def test_district_names_cover_divisions_short_forms_and_zones():
    names = district_names()
    assert names == sorted(set(names))
    assert {"淮安市", "淮安", "清江浦区", "黔西南州", "淮安经济技术开发区", "淮安经开区"} <= set(names)
    assert len(names) > 10000


def test_match_is_leftmost_longest_and_non_overlapping():
    text = "淮安经济技术开发区和清江浦区、涟水县,淮安全市新开工,赴北京等地"
    found = match_districts(text)
    assert [name for _, _, name in found] == ["淮安经济技术开发区", "清江浦区", "涟水县", "淮安", "北京"]
    assert all(text[s:e] == name for s, e, name in found)
    assert all(a[1] <= b[0] for a, b in zip(found, found[1:], strict=False))


def test_current_names_come_from_the_current_table_and_former_names_resolve_to_them():
    yanshi, mengjin, renze = find_division("偃师区"), find_division("孟津区"), find_division("任泽区")
    assert (yanshi.name, mengjin.name, renze.name) == ("偃师区", "孟津区", "任泽区")  # 2021 and 2020 renames
    assert (yanshi.city, mengjin.city, renze.city) == ("洛阳市", "洛阳市", "邢台市")
    assert find_division("偃师市") == yanshi and find_division("孟津县") == mengjin
    assert alternative_names(yanshi)[0] == "偃师市" and alternative_names(mengjin)[0] == "孟津县"
    assert find_division("泽区") is None
    text = "任泽区聚焦装备制造,偃师市一季度新开工项目21个,孟津区新签约项目5个,偃师新签约项目3个"
    assert [name for _, _, name in match_districts(text)] == ["任泽区", "偃师市", "孟津区", "偃师"]


def test_former_names_need_the_same_stem_in_the_same_prefecture():
    current = {"410300": "洛阳市", "410307": "偃师区", "130500": "邢台市", "130505": "任泽区"}
    former = {"410300": "洛阳市", "410381": "偃师市", "130526": "任县", "320100": "南京市", "320199": "偃师县"}
    assert former_names(current, former) == {"410307": ("偃师市",)}


def test_out_of_scope_districts_are_left_out_but_their_regions_are_kept():
    assert find_division("大社区") is None and find_division("北区") is None  # Taiwan, Hong Kong districts
    assert find_division("香港").level == "province"


def test_a_future_redesignation_resolves_to_the_county():
    lianshui = find_division("涟水县")
    assert find_division("涟水区") == lianshui and find_division("涟水市") == lianshui
    assert alternative_names(lianshui) == ("涟水区", "涟水市")


def test_a_redesignated_name_never_takes_another_divisions_name():
    assert redesignated_names("朝阳县", "county") == ("朝阳区", "朝阳市")
    assert find_division("朝阳市").level == "city"  # the city keeps its name; 朝阳县 does not get it
    assert "朝阳市" not in alternative_names(find_division("朝阳县"))
    assert redesignated_names("清江浦区", "county") == () and redesignated_names("本溪满族自治县", "county") == ()
    assert redesignated_names("淮安市", "city") == ()


@pytest.mark.skipif(not SEED.exists(), reason="seed article not available")
def test_match_finds_every_area_of_the_seed():
    text = SEED.read_text(encoding="utf-8")
    found = {name for _, _, name in match_districts(text)}
    expected = {
        "淮安经济技术开发区",
        "清江浦区",
        "淮安区",
        "淮阴区",
        "洪泽区",
        "涟水县",
        "盱眙县",
        "金湖县",
        "淮安工业园区",
        "深圳",
        "厦门",
        "苏州",
        "北京",
        "南京",
        "浙江",
    }
    assert expected <= found
