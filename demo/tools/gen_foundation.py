#!/usr/bin/env python3
"""Generate the foundation sheets of the demo county ledger (秭归县妇联, 2020).

Writes five UTF-8 CSV files (no BOM, comma-separated, header row = the column
names of the ledger contract v1, /work/shared/spec/ledgers.md) into
demo/ledger/:

    组织.csv  organizations: county, 12 townships, ~186 villages/communities,
              new-field federations (8 founded in 2020, 3 earlier),
              2 机关事业单位妇委会, 1 团体会员
    阵地.csv  venues: a 妇女之家 in almost every village/community (exactly 6
              opened in 2020), some 儿童之家 and 妇女微家
    人员.csv  people: every officer plus ordinary residents with 标签
    干部.csv  officers of every organization, with terms
    调研.csv  surveys: the 12 township surveys of Nov 2020 + 3 village visits

The data are synthetic (IDs carry correct MOD 11-2 check characters and an
even 17th digit) except for the township codes/names (domain-rules.md §1) and
the names quoted in the public 2020 review.  Output is deterministic: a fixed
seed, no dependence on hash order; running it twice gives identical bytes.

Only these foundation sheets are made here; later areas (活动, 评选, 救助, ...)
add their own generators and sheets, reading 组织.csv / 人员.csv for codes and
ID numbers.

Usage:  python3 demo/tools/gen_foundation.py [--out DIR]
"""

import argparse
import csv
import datetime as dt
import os
import random

SEED = 20201231
D = dt.date

# ---------------------------------------------------------------- constants
COUNTY_CODE = "420527000000"
COUNTY_NAME = "秭归县妇联"

# (9-digit code, name, is_town, number of villages/communities, communities)
TOWNSHIPS = [
    ("420527101", "茅坪镇", True, 18, 4),
    ("420527102", "归州镇", True, 15, 3),
    ("420527103", "屈原镇", True, 16, 2),
    ("420527104", "沙镇溪镇", True, 14, 2),
    ("420527105", "两河口镇", True, 17, 2),
    ("420527106", "郭家坝镇", True, 16, 3),
    ("420527107", "杨林桥镇", True, 15, 2),
    ("420527108", "九畹溪镇", True, 15, 2),
    ("420527201", "水田坝乡", False, 16, 1),
    ("420527202", "泄滩乡", False, 14, 1),
    ("420527203", "梅家河乡", False, 15, 1),
    ("420527204", "磨坪乡", False, 15, 1),
]

# Names fixed by the review or chosen on purpose, per township.
FIXED_VILLAGES = {
    "茅坪镇": ["银杏沱村", "九里村", "月亮包村", "泗溪村"],
    "屈原镇": ["乐平里村"],
    "两河口镇": ["太坪村"],
    "郭家坝镇": ["烟灯堡村"],
    "九畹溪镇": ["周坪村"],
}
FIXED_COMMUNITIES = {"茅坪镇": ["滨湖社区", "凤凰山社区", "金缸城社区", "长宁社区"]}

COMMUNITY_POOL = [
    "丹阳", "东门", "新街", "桔颂", "建东", "平湖", "江南", "峡江", "集镇",
    "新集", "向阳", "迎宾", "建设", "幸福", "沿江", "望江", "福园", "学府",
    "城东", "河街", "老街", "新城", "桂花园", "锦绣", "康宁", "龙泉",
]
STANDALONE_VILLAGES = [
    "青龙", "白鹤", "龙潭", "桂花", "茶园", "橘园", "凉水", "黄荆", "松树",
    "柳林", "槐树", "梨树", "竹园", "板桥", "石桥", "高桥", "长岭", "响水",
    "双龙", "五龙", "九龙", "金竹", "泉水", "兴隆", "长春", "新华", "红星",
    "和平", "丰收", "龙口", "牛角", "鹰嘴", "三溪", "万古寺", "天堂", "红岩",
    "白岩", "古树", "楠木", "桃园", "杉木", "石柱", "兰陵溪", "花鸡坡",
    "卜庄河", "西陵峡", "链子崖", "香溪", "马鬃山", "黄鹤",
    "吴家岭", "柑园", "丝绵", "云台荒", "泗湾", "峡口", "杨柳池", "银杏坪",
    "茶林坪", "凤凰岭", "金狮", "玉龙", "大岭", "小溪", "三星", "车溪",
    "白果", "大坪", "中坪", "观音", "坪阳", "老林", "新滩", "青林", "旧州",
    "水井坪", "泉坪", "秋池", "岩门", "芝兰", "新坪",
]
FAMILY_PREFIX = [
    "杨家", "王家", "向家", "谭家", "黄家", "周家", "郑家", "屈家", "杜家",
    "韩家", "覃家", "易家", "陈家", "李家", "张家", "刘家", "石家", "田家",
    "马家", "彭家", "熊家", "聂家", "邓家", "汪家", "万家", "宋家", "罗家",
    "龚家", "胡家", "余家", "孙家", "卢家", "贺家", "付家", "蔡家", "望家",
]
TERRAIN = ["湾", "坪", "坡", "岭", "冲", "垭", "沟", "河", "台", "嘴", "岩", "包", "院", "榜"]

# Township-survey texts (发现不足, 工作亮点), one pair per township, in order.
SURVEY_TEXT = {
    "茅坪镇": ("部分社区妇联执委分工不明确，《基层妇联组织规范化建设工作手册》填写不完整。",
            "依托滨湖社区、银杏沱村开展电商培训，带动妇女居家创业。"),
    "归州镇": ("村级妇女之家活动记录不全，台账归档不及时。",
            "组织妇女参与“最美庭院”创建，庭院整治成效明显。"),
    "屈原镇": ("新领域妇联组建进度偏慢，脐橙交易市场以外的合作社覆盖不足。",
            "依托屈原故里端午文化开展巾帼微合唱和家风家训宣讲。"),
    "沙镇溪镇": ("个别村妇联主席年龄偏大，执委参与活动积极性不高。",
             "组织留守妇女参与脐橙采摘和电商直播，增收效果明显。"),
    "两河口镇": ("妇女议事会制度尚未在各村全面建立。",
             "帮扶村太坪村“幸福村落”建设在全县公益创投大赛中获二等奖。"),
    "郭家坝镇": ("“两癌”救助对象动态台账更新不及时。",
             "山峡果业妇委会带领妇女姐妹复工复产，帮助销售秭归脐橙。"),
    "杨林桥镇": ("部分村妇女之家与其他功能室共用，标识不统一。",
             "发展林下养蜂、高山茶叶等特色产业，培育巾帼示范基地。"),
    "九畹溪镇": ("高山村妇联活动开展频次偏低，覆盖面不广。",
             "依托九畹丝绵茶企业开展采茶制茶技能培训。"),
    "水田坝乡": ("村级妇联执委结构单一，致富能手、专业人才占比偏低。",
             "巾帼志愿者参与疫情防控值守和入户排查，作用突出。"),
    "泄滩乡": ("线上学习参与率偏低，部分执委不会使用学习平台。",
            "组织绣娘承接慢工绣艺订单，实现在家就业。"),
    "梅家河乡": ("维权信息员队伍不健全，矛盾纠纷排查记录不规范。",
             "开展“最美阳台”创建，群众参与热情高。"),
    "磨坪乡": ("妇女之家创建起步较晚，今年新建阵地设施尚需完善。",
            "为留守儿童开展亲情连线，建立结对关爱台账。"),
}

SURNAMES = (
    ["王"] * 9 + ["李"] * 7 + ["张"] * 7 + ["刘"] * 6 + ["陈"] * 6 + ["杨"] * 5
    + ["黄"] * 4 + ["周"] * 5 + ["吴"] * 3 + ["谭"] * 5 + ["向"] * 5 + ["郑"] * 3
    + ["屈"] * 3 + ["杜"] * 2 + ["韩"] * 2 + ["石"] * 2 + ["尤"] + ["易"] * 2
    + ["覃"] * 3 + ["田"] * 2 + ["胡"] * 2 + ["彭"] * 2 + ["熊"] + ["万"] + ["汪"] * 2
    + ["邓"] + ["聂"] + ["宋"] + ["罗"] + ["龚"] + ["余"] + ["卢"] + ["贺"] + ["付"]
)
GIVEN_1 = list("芳丽英华红梅兰琴霞燕萍娟玲敏静慧艳秀凤云莲菊翠珍琼婷雪晶丹娜倩蓉媛洁颖莉虹薇佳悦雯瑶")
GIVEN_A = list("秀桂玉春翠金小海晓丽红雪美凤艳冬明素月爱亚慧静佳思雨欣梦诗子晨巧德")
GIVEN_B = list("英兰梅华萍芳琴霞燕娟玲敏莲菊珍琼婷蓉媛洁颖莉虹琳倩丹娥凤云霞红平")

# Names from the review, reserved for their roles; random names avoid them.
REVIEW_NAMES = ["王晓蓉", "杜娟", "石达钰", "王平", "韩萍", "尤祥静", "周雪梅", "易继平"]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


# ---------------------------------------------------------------- helpers
def id_check_char(first17):
    s = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK[s % 11]


def id_valid(idn):
    if len(idn) != 18 or not idn[:17].isdigit():
        return False
    if id_check_char(idn[:17]) != idn[17]:
        return False
    try:
        D(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return True


def rand_date(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def plus_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def iso(d):
    return d.isoformat() if d else ""


class Gen:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.orgs = []        # dicts in output order
        self.org_by_code = {}
        self.venues = []
        self.people = []      # dicts
        self.person_by_id = {}
        self.officers = []
        self.surveys = []
        self.used_ids = set()
        self.used_phones = set()
        self.used_names = set()
        self.villages_of = {}  # township code -> [village org]

    # ------------------------------------------------------------ orgs
    def add_org(self, code, name, typ, parent="", founded=None, nf_type=""):
        assert code not in self.org_by_code, code
        o = {"组织编码": code, "组织名称": name, "组织类型": typ, "上级组织编码": parent,
             "成立日期": iso(founded), "新领域类型": nf_type}
        self.orgs.append(o)
        self.org_by_code[code] = o
        return o

    def village_name_pool(self):
        rng = self.rng
        pool = [n + "村" for n in STANDALONE_VILLAGES]
        combos = [p + t + "村" for p in FAMILY_PREFIX for t in TERRAIN]
        rng.shuffle(combos)
        pool += combos[:110]
        rng.shuffle(pool)
        return pool

    def build_orgs(self):
        rng = self.rng
        self.add_org(COUNTY_CODE, COUNTY_NAME, "县妇联")
        taken = set()
        for names in list(FIXED_VILLAGES.values()) + list(FIXED_COMMUNITIES.values()):
            taken.update(names)
        town_stems = [t[1][:-1] for t in TOWNSHIPS] + ["郭家坝", "两河口", "沙镇溪", "杨林桥", "九畹溪", "水田坝", "梅家河"]
        vpool = [n for n in self.village_name_pool()
                 if n not in taken and not any(n.startswith(s) for s in town_stems)]
        cpool = [n + "社区" for n in COMMUNITY_POOL if n + "社区" not in taken]
        rng.shuffle(cpool)
        for code9, tname, is_town, n_units, n_comm in TOWNSHIPS:
            tcode = code9 + "000"
            self.add_org(tcode, tname + "妇联", "乡镇妇联", COUNTY_CODE)
            comms = list(FIXED_COMMUNITIES.get(tname, []))
            while len(comms) < n_comm:
                comms.append(cpool.pop())
            vills = list(FIXED_VILLAGES.get(tname, []))
            while len(vills) < n_units - n_comm:
                vills.append(vpool.pop())
            # the township's 会改联 window: villages founded around one base date
            base = rand_date(rng, D(2017, 3, 1), D(2019, 9, 30))
            units = []
            for i, cname in enumerate(comms):
                code = code9 + "%03d" % (i + 1)
                units.append((code, cname, "社区妇联"))
            vcode = 201
            for vname in vills:
                units.append((code9 + "%03d" % vcode, vname, "村妇联"))
                vcode += rng.choice([1, 1, 1, 1, 2])  # NBS lists have gaps
            out = []
            for code, uname, typ in units:
                f = base + dt.timedelta(days=rng.randint(-40, 60))
                f = min(max(f, D(2017, 1, 1)), D(2019, 12, 31))
                o = self.add_org(code, uname + "妇联", typ, tcode, f)
                o["_short"] = uname
                o["_township"] = tname
                out.append(o)
            self.villages_of[tcode] = out
        names = [o["_short"] for v in self.villages_of.values() for o in v]
        assert len(names) == len(set(names)), "village names must be unique county-wide"

        # new-field federations: 3 before 2020, then 8 founded in 2020
        nf = [
            ("秭归县九畹丝绵茶业有限公司妇委会", "非公企业", "420527108000", D(2018, 6, 12)),
            ("杨林桥镇高山蜂业专业合作社妇委会", "农民专业合作社", "420527107000", D(2019, 4, 23)),
            ("秭归县商贸城商户妇联", "专业市场", "420527101000", D(2019, 10, 15)),
            ("郭家坝山峡果业妇委会", "农民专业合作社", "420527106000", D(2020, 3, 18)),
            ("秭归县在宜农民工服务中心妇联", "服务中心", COUNTY_CODE, D(2020, 4, 16)),
            ("湖北慢工绣艺有限公司妇女委员会", "非公企业", "420527101000", D(2020, 5, 29)),
            ("秭归县电子商务协会妇联", "行业协会", COUNTY_CODE, D(2020, 6, 18)),
            ("秭归县快递物流行业妇联", "新就业群体", COUNTY_CODE, D(2020, 8, 6)),
            ("茅坪镇九里工业园区妇联", "园区", "420527101000", D(2020, 9, 10)),
            ("秭归县巾帼志愿服务协会妇联", "社会组织", COUNTY_CODE, D(2020, 10, 20)),
            ("屈原镇脐橙交易市场妇联", "专业市场", "420527103000", D(2020, 11, 5)),
        ]
        self.nf_orgs = []
        for i, (name, kind, parent, founded) in enumerate(nf, 1):
            self.nf_orgs.append(self.add_org("NF-420527-%03d" % i, name, "新领域妇联", parent, founded, kind))
        self.jg_orgs = [
            self.add_org("JG-420527-001", "秭归县人民医院妇委会", "机关事业单位妇委会", COUNTY_CODE, D(2013, 3, 7)),
            self.add_org("JG-420527-002", "秭归县教育局妇委会", "机关事业单位妇委会", COUNTY_CODE, D(2014, 3, 5)),
        ]
        self.tt_orgs = [self.add_org("TT-420527-001", "秭归县女企业家协会", "团体会员", COUNTY_CODE, D(2016, 11, 18))]
        assert sum(1 for o in self.nf_orgs if o["成立日期"].startswith("2020")) == 8

    def unit(self, short):
        for v in self.villages_of.values():
            for o in v:
                if o["_short"] == short:
                    return o
        raise KeyError(short)

    # ------------------------------------------------------------ venues
    def build_venues(self):
        rng = self.rng
        all_units = [o for v in self.villages_of.values() for o in v]
        # six villages/communities whose 妇女之家 opened in 2020 (see README)
        new2020 = {
            "磨坪乡": D(2020, 4, 28), "梅家河乡": D(2020, 6, 17), "泄滩乡": D(2020, 7, 22),
            "水田坝乡": D(2020, 9, 9), "杨林桥镇": D(2020, 10, 13),
        }
        picks = {}
        for tcode, units in self.villages_of.items():
            tname = units[0]["_township"]
            if tname in new2020:
                cand = [o for o in units if o["组织类型"] == "村妇联"]
                picks[rng.choice(cand)["组织编码"]] = new2020[tname]
        picks[self.unit("太坪村")["组织编码"]] = D(2020, 11, 24)
        assert len(picks) == 6
        # three villages with no 妇女之家 at all
        rest = [o for o in all_units if o["组织编码"] not in picks and o["组织类型"] == "村妇联"
                and o["_short"] not in ("银杏沱村",)]
        without = {o["组织编码"] for o in rng.sample(rest, 3)}
        self.homes2020 = []
        for o in all_units:
            code = o["组织编码"]
            if code in without:
                continue
            if code in picks:
                opened = picks[code]
                grade, level = rng.choice(["一般", "标准化", "标准化"]), ""
                self.homes2020.append((o["_short"] + "妇女之家", code, o["_township"], opened))
            else:
                founded = D.fromisoformat(o["成立日期"])
                r = rng.random()
                if r < 0.10:
                    opened = rand_date(rng, D(2014, 3, 1), D(2016, 12, 31))  # pre-reform home
                elif r < 0.12:
                    opened = None  # date unknown
                else:
                    opened = founded + dt.timedelta(days=rng.randint(0, 240))
                    opened = min(opened, D(2019, 12, 31))
                g = rng.random()
                if g < 0.52:
                    grade, level = "一般", ""
                elif g < 0.85:
                    grade, level = "标准化", ""
                else:
                    grade = "示范"
                    level = "市级" if rng.random() < 0.3 else "县级"
            if o["_short"] in ("银杏沱村", "滨湖社区"):
                grade, level = "示范", "市级"
            self.venues.append({"阵地名称": o["_short"] + "妇女之家", "阵地类型": "妇女之家",
                                "所属组织编码": code, "挂牌日期": iso(opened),
                                "等级": grade, "等级级别": level})
        # 儿童之家
        kids = [("小央美儿童之家", self.unit("凤凰山社区"), D(2019, 5, 31), "示范", "县级")]
        for short, d in (("乐平里村", D(2018, 6, 1)), ("烟灯堡村", D(2019, 8, 20)),
                         ("周坪村", D(2020, 5, 28))):
            kids.append((short + "儿童之家", self.unit(short), d, "标准化", ""))
        for name, o, d, grade, level in kids:
            self.venues.append({"阵地名称": name, "阵地类型": "儿童之家", "所属组织编码": o["组织编码"],
                                "挂牌日期": iso(d), "等级": grade, "等级级别": level})
        # 妇女微家
        nf = {o["组织名称"]: o["组织编码"] for o in self.nf_orgs}
        micro = [
            ("慢工绣艺绣娘微家", nf["湖北慢工绣艺有限公司妇女委员会"], D(2020, 6, 19), "示范", "县级"),
            ("在宜农民工妇女微家", nf["秭归县在宜农民工服务中心妇联"], D(2020, 6, 30), "标准化", ""),
            ("山峡果业巾帼微家", nf["郭家坝山峡果业妇委会"], D(2020, 8, 12), "一般", ""),
            ("丝绵茶香妇女微家", nf["秭归县九畹丝绵茶业有限公司妇委会"], D(2019, 3, 8), "一般", ""),
            ("银杏沱巾帼绣坊微家", self.unit("银杏沱村")["组织编码"], D(2019, 11, 6), "标准化", ""),
            ("滨湖邻里妇女微家", self.unit("滨湖社区")["组织编码"], D(2018, 9, 14), "一般", ""),
        ]
        for name, code, d, grade, level in micro:
            self.venues.append({"阵地名称": name, "阵地类型": "妇女微家", "所属组织编码": code,
                                "挂牌日期": iso(d), "等级": grade, "等级级别": level})
        n2020 = sum(1 for v in self.venues if v["阵地类型"] == "妇女之家" and v["挂牌日期"].startswith("2020"))
        assert n2020 == 6, n2020

    # ------------------------------------------------------------ people
    def random_name(self):
        rng = self.rng
        while True:
            s = rng.choice(SURNAMES)
            if rng.random() < 0.25:
                n = s + rng.choice(GIVEN_1)
            else:
                a, b = rng.choice(GIVEN_A), rng.choice(GIVEN_B)
                if a == b:
                    continue
                n = s + a + b
            if n in REVIEW_NAMES:
                continue
            # a few homonyms on purpose (realistic; IDs tell them apart)
            if n in self.used_names and rng.random() < 0.93:
                continue
            self.used_names.add(n)
            return n

    def new_id(self, born):
        rng = self.rng
        r = rng.random()
        prefix = "420527" if r < 0.9 else ("420500" if r < 0.95 else "420502")
        while True:
            seq = "%02d%d" % (rng.randint(0, 99), rng.choice([0, 2, 4, 6, 8]))
            if seq == "000":
                continue
            first17 = prefix + born.strftime("%Y%m%d") + seq
            idn = first17 + id_check_char(first17)
            if idn not in self.used_ids:
                self.used_ids.add(idn)
                return idn

    def new_phone(self):
        rng = self.rng
        heads = ["13%d" % d for d in range(10)] + ["150", "151", "152", "153", "155", "156",
                 "157", "158", "159", "180", "181", "182", "183", "186", "187", "188", "189",
                 "191", "193", "198", "199"]
        while True:
            p = rng.choice(heads) + "%08d" % rng.randint(0, 99999999)
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def add_person(self, org_code, born_from, born_to, name=None, tags=(), phone_p=0.95):
        rng = self.rng
        born = rand_date(rng, D(born_from, 1, 1), D(born_to, 12, 31))
        p = {"姓名": name or self.random_name(), "身份证号": self.new_id(born),
             "手机号": self.new_phone() if rng.random() < phone_p else "",
             "所属组织编码": org_code, "标签": ";".join(tags)}
        self.people.append(p)
        self.person_by_id[p["身份证号"]] = p
        return p

    def add_officer(self, p, org_code, post, kind, start, end_mode="term"):
        end = plus_years(start, 5) if end_mode == "term" else None
        self.officers.append({"姓名": p["姓名"], "身份证号": p["身份证号"], "组织编码": org_code,
                              "职务": post, "专兼挂": kind, "任职开始": iso(start), "任职结束": iso(end)})

    def end_mode(self):
        return "open" if self.rng.random() < 0.15 else "term"

    def build_people_and_officers(self):
        rng = self.rng
        special_chairs = {"银杏沱村": "王晓蓉", "滨湖社区": "杜娟", "太坪村": "王平"}
        nf_chairs = {"秭归县在宜农民工服务中心妇联": "尤祥静", "湖北慢工绣艺有限公司妇女委员会": "韩萍",
                     "郭家坝山峡果业妇委会": "石达钰"}
        self.village_chairs = {}
        # villages and communities
        for tcode, units in self.villages_of.items():
            chairs = []
            for o in units:
                code = o["组织编码"]
                founded = D.fromisoformat(o["成立日期"])
                chair = self.add_person(code, 1963, 1992, special_chairs.get(o["_short"]))
                self.add_officer(chair, code, "主席", "兼职", founded, self.end_mode())
                chairs.append(chair)
                for _ in range(rng.choice([1, 2])):
                    p = self.add_person(code, 1965, 1995)
                    self.add_officer(p, code, "副主席", "兼职", founded, self.end_mode())
                for _ in range(rng.randint(3, 5)):
                    p = self.add_person(code, 1960, 1998, tags=["绣娘"] if rng.random() < 0.08 else [])
                    start = founded
                    if rng.random() < 0.08:  # a later replacement
                        start = rand_date(rng, max(founded, D(2019, 1, 1)), D(2021, 6, 30))
                    self.add_officer(p, code, "执委", "兼职", start, self.end_mode())
                self.village_chairs[code] = chair
            self.village_chairs[tcode] = chairs
        # townships: staff live at the township code; some 执委 are village chairs
        self.township_chairs = {}
        for code9, tname, *_ in TOWNSHIPS:
            tcode = code9 + "000"
            start = rand_date(rng, D(2017, 3, 1), D(2018, 12, 31))
            chair = self.add_person(tcode, 1970, 1988)
            self.add_officer(chair, tcode, "主席", "专职", start)
            self.township_chairs[tcode] = chair
            for kind in ("兼职", rng.choice(["兼职", "挂职"])):
                p = self.add_person(tcode, 1972, 1992)
                self.add_officer(p, tcode, "副主席", kind, start, self.end_mode())
            n_exec = rng.randint(5, 8)
            from_villages = rng.sample(self.village_chairs[tcode], n_exec // 2)
            for p in from_villages:
                self.add_officer(p, tcode, "执委", "兼职", start, self.end_mode())
            for _ in range(n_exec - len(from_villages)):
                p = self.add_person(tcode, 1968, 1995)
                self.add_officer(p, tcode, "执委", "兼职", start, self.end_mode())
        # county
        cstart = D(2018, 12, 20)
        self.county_staff = []
        for post in ("主席", "副主席", "副主席"):
            p = self.add_person(COUNTY_CODE, 1968, 1984, phone_p=1.0)
            self.add_officer(p, COUNTY_CODE, post, "专职", cstart)
            self.county_staff.append(p)
        execs = rng.sample([self.township_chairs[t[0] + "000"] for t in TOWNSHIPS], 4)
        while len(execs) < 10:
            execs.append(self.add_person(COUNTY_CODE, 1966, 1990))
        for p in execs:
            self.add_officer(p, COUNTY_CODE, "执委", "兼职", cstart, "term")
        # new-field federations: 主席 + 2 执委 (people live in a village of the parent)
        for o in self.nf_orgs:
            parent = o["上级组织编码"]
            homes = self.villages_of.get(parent, self.villages_of["420527101000"])
            start = D.fromisoformat(o["成立日期"])
            chair = self.add_person(rng.choice(homes)["组织编码"], 1970, 1990, nf_chairs.get(o["组织名称"]))
            self.add_officer(chair, o["组织编码"], "主席", "兼职", start)
            for _ in range(2):
                p = self.add_person(rng.choice(homes)["组织编码"], 1975, 1998,
                                    tags=["绣娘"] if "绣" in o["组织名称"] else [])
                self.add_officer(p, o["组织编码"], "执委", "兼职", start)
        for o in self.jg_orgs + self.tt_orgs:
            start = D(2019, 3, 8)
            homes = self.villages_of["420527101000"]
            chair = self.add_person(rng.choice(homes)["组织编码"], 1968, 1985)
            self.add_officer(chair, o["组织编码"], "主席", "兼职", start)
            p = self.add_person(rng.choice(homes)["组织编码"], 1975, 1992)
            self.add_officer(p, o["组织编码"], "执委", "兼职", start)
        # residents named in the review (honour winners; used by later sheets)
        self.add_person(self.unit("金缸城社区")["组织编码"], 1972, 1976, "周雪梅")
        self.add_person(self.unit("长宁社区")["组织编码"], 1966, 1970, "易继平")
        # ordinary residents with 标签
        units = [o for v in self.villages_of.values() for o in v]
        for _ in range(300):
            o = rng.choice(units)
            r = rng.random()
            tags = []
            if r < 0.45:
                tags.append(rng.choice(["低保", "低保", "建档立卡", "建档立卡", "特困"])
                            if rng.random() < 0.85 else "易返贫致贫")
            if rng.random() < 0.25:
                tags.append("留守妇女")
            if rng.random() < 0.12:
                tags.append("残疾")
            if rng.random() < 0.08:
                tags.append("单亲")
            if rng.random() < 0.15 or o["_township"] in ("泄滩乡", "茅坪镇") and rng.random() < 0.3:
                tags.append("绣娘")
            self.add_person(o["组织编码"], 1955, 2000, tags=tags, phone_p=0.8)

    # ------------------------------------------------------------ surveys
    def build_surveys(self):
        rng = self.rng
        staff = [p["姓名"] for p in self.county_staff]
        for i, (code9, tname, *_) in enumerate(TOWNSHIPS):
            who = [staff[0], staff[1 + i % 2]] if i % 3 == 0 else [staff[1 + i % 2]]
            gap, good = SURVEY_TEXT[tname]
            self.surveys.append({"组织编码": code9 + "000", "日期": iso(D(2020, 11, 16) + dt.timedelta(days=i)),
                                 "调研人": "、".join(who), "发现不足": gap, "工作亮点": good})
        yx = self.unit("银杏沱村")["组织编码"]
        tp = self.unit("太坪村")["组织编码"]
        self.surveys += [
            {"组织编码": yx, "日期": "2020-06-16", "调研人": staff[1],
             "发现不足": "电商培训场地狭小，网络信号不稳定。",
             "工作亮点": "村妇联组织绣娘和果农参加电商培训，开设网店销售脐橙和绣品。"},
            {"组织编码": tp, "日期": "2020-08-20", "调研人": "、".join(staff[:2]),
             "发现不足": "妇女之家尚未挂牌，活动借用村委会议室。",
             "工作亮点": "村妇联发动妇女参与“幸福村落”建设，美丽庭院户数增加。"},
            {"组织编码": yx, "日期": "2020-09-24", "调研人": staff[2],
             "发现不足": "部分参训妇女网店运营不稳定，需持续跟踪指导。",
             "工作亮点": "培训后已有十余名妇女在家接单，增收明显。"},
        ]

    # ------------------------------------------------------------ checks
    def verify(self):
        ids = [p["身份证号"] for p in self.people]
        assert len(ids) == len(set(ids))
        for idn in ids:
            assert id_valid(idn), idn
            assert int(idn[16]) % 2 == 0, idn
            assert 1955 <= int(idn[6:10]) <= 2000, idn
        phones = [p["手机号"] for p in self.people if p["手机号"]]
        assert len(phones) == len(set(phones))
        for ph in phones:
            assert len(ph) == 11 and ph[:2] in ("13", "15", "18", "19"), ph
        for p in self.people:
            assert p["所属组织编码"] in self.org_by_code
        for o in self.orgs:
            if o["上级组织编码"]:
                assert o["上级组织编码"] in self.org_by_code
            c = o["组织编码"]
            if o["组织类型"] == "村妇联":
                assert 201 <= int(c[9:]) <= 399 and c[:9] + "000" == o["上级组织编码"]
            if o["组织类型"] == "社区妇联":
                assert 1 <= int(c[9:]) <= 199 and c[:9] + "000" == o["上级组织编码"]
        keys = set()
        for f in self.officers:
            p = self.person_by_id[f["身份证号"]]
            assert p["姓名"] == f["姓名"]
            assert f["组织编码"] in self.org_by_code
            k = (f["身份证号"], f["组织编码"], f["职务"])
            assert k not in keys, k
            keys.add(k)
        vk = [(v["阵地名称"], v["所属组织编码"]) for v in self.venues]
        assert len(vk) == len(set(vk))
        sk = [(s["组织编码"], s["日期"]) for s in self.surveys]
        assert len(sk) == len(set(sk))
        assert sum(1 for s in self.surveys if self.org_by_code[s["组织编码"]]["组织类型"] == "乡镇妇联") == 12
        yx = [f for f in self.officers if f["姓名"] == "尤祥静"]
        assert yx and self.org_by_code[yx[0]["组织编码"]]["组织名称"] == "秭归县在宜农民工服务中心妇联"


COLUMNS = {
    "组织": ["组织编码", "组织名称", "组织类型", "上级组织编码", "成立日期", "新领域类型"],
    "阵地": ["阵地名称", "阵地类型", "所属组织编码", "挂牌日期", "等级", "等级级别"],
    "人员": ["姓名", "身份证号", "手机号", "所属组织编码", "标签"],
    "干部": ["姓名", "身份证号", "组织编码", "职务", "专兼挂", "任职开始", "任职结束"],
    "调研": ["组织编码", "日期", "调研人", "发现不足", "工作亮点"],
}


def write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "ledger"))
    args = ap.parse_args()
    g = Gen()
    g.build_orgs()
    g.build_venues()
    g.build_people_and_officers()
    g.build_surveys()
    g.verify()
    os.makedirs(args.out, exist_ok=True)
    sheets = {"组织": g.orgs, "阵地": g.venues, "人员": g.people, "干部": g.officers, "调研": g.surveys}
    for name, rows in sheets.items():
        write_csv(os.path.join(args.out, name + ".csv"), COLUMNS[name], rows)
        print("%s.csv: %d rows" % (name, len(rows)))
    n_units = sum(len(v) for v in g.villages_of.values())
    print("villages/communities: %d (村 %d, 社区 %d)" % (
        n_units, sum(1 for o in g.orgs if o["组织类型"] == "村妇联"),
        sum(1 for o in g.orgs if o["组织类型"] == "社区妇联")))
    for name, code, tname, d in g.homes2020:
        print("2020 妇女之家: %s %s (%s) %s" % (name, code, tname, d))


if __name__ == "__main__":
    main()
