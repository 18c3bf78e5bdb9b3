"""Chinese name material for the synthetic district: people, places, units and projects.

Surnames are drawn by their rough frequency; place, compound and unit names are sampled without
replacement so that names are unique within a district. No name contains an apostrophe.

>>> import random
>>> rng = random.Random(3)
>>> name = person_name(rng, male=True)
>>> 2 <= len(name) <= 3
True
>>> sorted(set(ISSUE_CATEGORIES) - {c for _, cs in DEPARTMENTS for c in cs})
[]
>>> picks = unique_names(rng, ["甲", "乙", "丙"], 2)
>>> len(set(picks))
2
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text``."""
    return tuple(text.split())


#: The districts a city-scale run is made of: (行政区划代码, name). The first is the default.
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("130705", "宣化区"),
    ("130702", "桥东区"),
    ("130703", "桥西区"),
    ("130706", "下花园区"),
    ("130708", "万全区"),
    ("130709", "崇礼区"),
    ("130722", "张北县"),
    ("130723", "康保县"),
    ("130724", "沽源县"),
    ("130725", "尚义县"),
)

#: Common surnames (姓), each with a rough weight by frequency.
_SURNAMES = _words(
    "王72 李70 张68 刘54 陈46 杨32 黄25 赵22 吴20 周19 徐14 孙13 马12 朱12 胡11 郭11 "
    "何10 高10 林9 罗9 郑8 梁8 谢6 宋6 唐6 许5 韩5 冯5 邓5 曹5 彭4 曾4 肖4 田4 董4 袁4 潘3 "
    "于3 蒋3 蔡3 余3 杜3 叶3 程3 苏3 魏3 吕3 丁3 任3 沈2 姚2 卢2 姜2 崔2 钟2 谭2 陆2 汪2 "
    "范2 金2 石2 廖2 贾2 夏2 韦2 付2 方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷1 "
    "侯1 龙1 史1 陶1 黎1 贺1 顾1 毛1 郝1 龚1 邵1 万1 钱1 严1 武1 戴1 莫1"
)
SURNAMES: tuple[str, ...] = tuple(word[0] for word in _SURNAMES)
_SURNAME_CUM: list[int] = list(itertools.accumulate(int(word[1:]) for word in _SURNAMES))

#: Given-name characters (名) that lean male or female; both lists are used for both sexes rarely.
GIVEN_MALE = "伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文立新永庆德春海峰东亮"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰萍燕红梅琳雪婷洁慧莉颖倩欣晶丹蕾月翠珍凤淑玉华彩云佳怡"

#: Place words used for streets (街道), roads and schools.
PLACE_WORDS: tuple[str, ...] = _words(
    "新华 建设 解放 人民 胜利 和平 东风 朝阳 光明 团结 文化 北关 南关 东关 西关 钟楼 鼓楼 工业 "
    "长青 青年 富强 民主 振兴 永安 安定 天泰 宣府 皇城 春光 站前 五一 兴华 明德 育才 大新 庙底 "
    "沙岭 盛华 广场 滨河 西城 东城 河东 河西 新城 南苑 北苑 龙泉 金桥 铁路"
)

#: Words that name communities (社区); joined with an optional direction or number.
COMMUNITY_WORDS: tuple[str, ...] = _words(
    "幸福 和平 阳光 安居 康乐 友谊 团结 繁荣 兴隆 长安 永宁 太平 福寿 祥和 锦华 怡园 春华 秋实 "
    "金秋 丰收 泰和 瑞祥 万福 宏伟 文昌 育英 博学 嘉禾 荣华 富民 惠民 利民 安康 南街 北街 东街 "
    "西街 中心 新村 花园 湖滨 河畔 柳荫 桃园 梨园 枫林 松鹤 翠竹 牡丹 月季 紫薇 银杏 桂花 玉兰"
)
_COMMUNITY_SUFFIXES = ("", "东", "西", "南", "北", "一", "二", "三")

#: Residential compound names (小区名): prefix + suffix, e.g. 幸福里小区, 锦绣花园, 和平家园.
COMPOUND_PREFIXES: tuple[str, ...] = _words(
    "幸福里 锦绣 和平 阳光 金色 翠湖 盛世 东方 华府 书香 绿洲 碧水 蓝天 紫荆 丽景 御景 康桥 "
    "龙湖 恒大 时代 世纪 名都 富华 金鼎 鑫源 宏达 瑞景 君悦 雅居 馨园 锦江 凤凰 天鹅 玉泉 "
    "清河 滨江 星河 明珠 新城 晨光 朝阳 天泰 宣府 钟楼 建设 胜利 长青 永安 金桥 银河 "
    "万和 泰和 祥瑞 吉祥 安泰 康馨 福星 富贵 枫叶 桂园"
)
COMPOUND_SUFFIXES: tuple[str, ...] = _words(
    "小区 花园 家园 苑 府 公寓 新村 雅居 名苑 城 佳苑 嘉园 华庭 山庄 丽都 广场 大厦 楼院 里 湾"
)

#: The issue categories (事项类别) functional departments handle; fixed, referenced by policies.
ISSUE_CATEGORIES: tuple[str, ...] = (
    "环境卫生",
    "违章搭建",
    "治安隐患",
    "物业纠纷",
    "邻里纠纷",
    "设施维修",
    "养老服务",
    "社会救助",
    "消防安全",
    "市场监管",
)

#: Functional departments (职能部门) of a district (name after the district's name) and what they handle.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("综合行政执法局", ("违章搭建", "环境卫生", "市场监管")),
    ("公安分局", ("治安隐患",)),
    ("住房和城乡建设局", ("物业纠纷", "设施维修", "违章搭建")),
    ("民政局", ("养老服务", "社会救助")),
    ("司法局", ("邻里纠纷",)),
    ("消防救援大队", ("消防安全",)),
    ("市场监督管理局", ("市场监管",)),
    ("城市管理局", ("环境卫生", "设施维修")),
    ("卫生健康局", ("养老服务",)),
    ("生态环境分局", ("环境卫生",)),
    ("应急管理局", ("消防安全", "治安隐患")),
    ("人力资源和社会保障局", ("社会救助",)),
    ("自然资源和规划分局", ("违章搭建",)),
    ("信访局", ("邻里纠纷", "物业纠纷")),
    ("水务局", ("设施维修",)),
)

#: Party and government organs (机关); the first is the seat of the district committee's posts.
ORGANS: tuple[str, ...] = _words(
    "委办公室 政府办公室 委组织部 委宣传部 委统战部 委政法委 纪委监委 发展和改革局 财政局 教育局 审计局 "
    "统计局 文化广电和旅游局 农业农村局 商务局 科技和工业信息化局 退役军人事务局 医疗保障局 总工会 "
    "妇女联合会 人大常委会办公室 政协办公室 人民法院 人民检察院 行政审批局 机关事务服务中心 档案馆 "
    "工商业联合会 残疾人联合会 红十字会"
)
_INSTITUTION_TEMPLATES = (
    "{w}路小学",
    "{w}小学",
    "第{n}中学",
    "{w}幼儿园",
    "{w}社区卫生服务中心",
)
_INSTITUTIONS_NAMED = _words(
    "人民医院 中医医院 妇幼保健院 疾病预防控制中心 图书馆 文化馆 融媒体中心 职业技术教育中心 "
    "社会福利院 老年公寓 青少年活动中心 体育场馆服务中心 公共资源交易中心 不动产登记中心"
)
_STATE_ENTERPRISES = _words(
    "城市建设投资集团有限公司 供水有限公司 热力有限公司 公交有限公司 国有资产运营有限公司 "
    "供电分公司 燃气有限公司 农村商业银行 粮食储备有限公司 城市发展集团有限公司 "
    "邮政分公司 移动通信分公司 联通分公司 电信分公司 工商银行支行 建设银行支行 农业银行支行 "
    "中国银行支行 水务投资有限公司 文化旅游发展有限公司"
)
_BRANDS = _words(
    "华联 鑫源 恒通 宏达 金鼎 瑞丰 永盛 德隆 汇通 新世纪 佳和 百利 东升 天成 万达 兴业 "
    "博远 诚信 信达 中兴 长城 宏图 嘉盛 福源 隆泰 聚宝 亿丰 康达 正泰 益民"
)
_INDUSTRIES = _words(
    "商贸 科技 建筑工程 餐饮管理 物流 机械制造 食品 医药连锁 装饰工程 信息技术 "
    "农业开发 电子商务 汽车销售 印刷 服装 文化传媒 家政服务 教育咨询 酒店管理 超市"
)
_SOCIAL_TEMPLATES = (
    "{d}{w}社会工作服务中心",
    "{d}{w}志愿者协会",
    "{d}{w}养老服务中心",
    "{d}{w}慈善会",
    "{d}{w}商会",
    "{d}{w}社区社会组织联合会",
    "{d}{w}调解服务中心",
    "{d}{w}青少年服务中心",
)
_PROPERTY_BRANDS = _words(
    "安居 恒信 嘉和 宜家 金管家 优居 万家 鑫泰 锦程 福瑞 康居 和美 睿达 悦居 盛世 "
    "华宇 世安 宏景 安泰 美好 中建 新宇 城发 瑞和 融创 德信 泰康 长兴 广厦 乐居"
)

#: Co-building resource categories (资源类别) and the themes of projects in each.
PROJECT_THEMES: dict[str, tuple[str, ...]] = {
    "教育": ("四点半课堂", "红色课堂", "青少年托管", "家长学校"),
    "医疗": ("健康义诊", "家庭医生签约", "送医上门"),
    "文化": ("文化惠民", "书香社区", "广场文艺辅导"),
    "环境": ("环境整治", "垃圾分类宣传", "绿化美化"),
    "养老": ("助老餐桌", "银龄关爱", "居家养老服务"),
    "法律": ("法律明白人", "法律咨询", "普法进社区"),
    "就业": ("就业帮扶", "技能培训", "招聘进社区"),
    "安全": ("消防演练", "平安守护"),
    "助困": ("困难家庭帮扶", "微心愿认领"),
}
RESOURCE_CATEGORIES: tuple[str, ...] = tuple(PROJECT_THEMES)


def person_name(rng: random.Random, *, male: bool) -> str:
    """A person's name (姓名): a weighted surname and one or two given-name characters."""
    surname = SURNAMES[bisect.bisect_right(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


def unique_names(rng: random.Random, candidates: Sequence[str], count: int) -> list[str]:
    """``count`` distinct names from ``candidates`` (some numbered 2, 3 … if there are too few)."""
    if count <= len(candidates):
        return rng.sample(list(candidates), count)
    extra = [f"{name}{n}" for n in range(2, count // max(len(candidates), 1) + 3) for name in candidates]
    return rng.sample([*candidates, *extra], count)


def community_candidates() -> list[str]:
    """Every community name (社区名) the generator may use."""
    return [f"{word}{suffix}社区" for suffix in _COMMUNITY_SUFFIXES for word in COMMUNITY_WORDS]


def compound_candidates() -> list[str]:
    """Every compound name (小区名) the generator may use."""
    return [prefix + suffix for prefix in COMPOUND_PREFIXES for suffix in COMPOUND_SUFFIXES]


def institution_candidates(district: str) -> list[str]:
    """Public institution names (事业单位): schools, clinics, hospitals, cultural centres."""
    names = [district + name for name in _INSTITUTIONS_NAMED]
    names += [t.format(w=w, n=n) for t in _INSTITUTION_TEMPLATES for n, w in enumerate(PLACE_WORDS, start=1)]
    return names


def state_enterprise_candidates(district: str) -> list[str]:
    """State-owned enterprise names (国有企业)."""
    return [district + name for name in _STATE_ENTERPRISES]


def private_enterprise_candidates(city: str) -> list[str]:
    """Private enterprise names (非公企业): city + brand + industry + 有限公司."""
    return [f"{city}{brand}{industry}有限公司" for brand in _BRANDS for industry in _INDUSTRIES]


def social_org_candidates(district: str) -> list[str]:
    """Social organisation names (社会组织)."""
    return [t.format(d=district, w=w) for t in _SOCIAL_TEMPLATES for w in ("", *PLACE_WORDS)]


def property_company_candidates(city: str) -> list[str]:
    """Property company names (物业企业): XX物业服务有限公司."""
    return [f"{city}{brand}物业服务有限公司" for brand in _PROPERTY_BRANDS] + [
        f"{city}{word}物业管理有限公司" for word in PLACE_WORDS
    ]
