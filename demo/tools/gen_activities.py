#!/usr/bin/env python3
"""Generate the work sheets of the demo county ledger (秭归县妇联, 2020).

Reads  demo/ledger/组织.csv, 人员.csv, 干部.csv   (written by gen_foundation.py)
Writes demo/ledger/活动.csv, 参与人员.csv, 作品.csv, 宣传.csv

UTF-8 without BOM, comma-separated, header row = the column names of the
ledger contract v1 (/work/shared/spec/ledgers.md); 宣传 also carries the
extension column 活动编号 (the activity a story reports, optional).

The 2020 records are built so that the platform's statistics for
420527000000 / 2020 reproduce the figures of the 2020 year-end review
(see demo/README.md).  The script recomputes those figures from the CSV files
it has just written, applying the platform's counting rules, prints them and
asserts them.  Output is deterministic (fixed seed): running it twice gives
identical bytes.

Usage:  python3 demo/tools/gen_activities.py [--ledger DIR]
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_foundation import (  # noqa: E402  (shared conventions)
    GIVEN_1, GIVEN_A, GIVEN_B, REVIEW_NAMES, SURNAMES, id_check_char, id_valid, write_csv,
)

SEED = 20210101
D = dt.date
COUNTY = "420527000000"
TRAINING_DAY = D(2020, 9, 21)

COLUMNS = {
    "活动": ["活动编号", "活动名称", "品牌项目", "活动类型", "主办组织编码", "联合单位", "开始日期", "结束日期",
           "形式", "地点", "覆盖单位数", "参与人数", "发放材料", "简介", "照片", "照片说明"],
    "参与人员": ["活动编号", "姓名", "身份证号", "单位"],
    "作品": ["活动编号", "作品名称", "作者", "作品类别", "所属组织编码"],
    "宣传": ["标题", "发布平台", "发布日期", "发布组织编码", "栏目", "链接", "转载方", "活动编号"],
}
KINDS = {"宣讲", "讲座", "培训", "会议", "调研", "走访", "展播", "合唱", "征集", "捐赠仪式", "其他"}

# The 24 county units reached by 母亲讲堂 进机关 (the review: 24个县直单位).
COUNTY_UNITS = [
    "县财政局", "县教育局", "县卫健局", "县人社局", "县民政局", "县农业农村局", "县自然资源和规划局",
    "县住建局", "县交通运输局", "县水利和湖泊局", "县文旅局", "县市场监管局", "县审计局", "县统计局",
    "县司法局", "县公安局", "县法院", "县检察院", "县纪委监委", "县委组织部", "县委宣传部", "县总工会",
    "团县委", "县科协",
]
BIG_UNITS = {"县教育局", "县公安局", "县卫健局", "县财政局", "县法院"}
MQJT_PEOPLE = 516      # distinct attendees over the 8 sessions
MQJT_REPEATERS = 12    # of whom this many attend a second session

GIVEN_M1 = list("伟强军勇杰涛斌峰磊超鹏明刚波辉俊林宇浩亮健鑫凯")
GIVEN_MA = list("建国志文海东德家晓小永新春子宏立成正开天长")
GIVEN_MB = list("华军明伟强平林峰波涛刚勇杰辉斌鹏飞龙松安")


def iso(d):
    return d.isoformat()


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def covers(post, day):
    s, e = post["任职开始"], post["任职结束"]
    return (not s or D.fromisoformat(s) <= day) and (not e or D.fromisoformat(e) >= day)


class Gen:
    def __init__(self, ledger):
        self.rng = random.Random(SEED)
        self.orgs = {o["组织编码"]: o for o in read_csv(os.path.join(ledger, "组织.csv"))}
        self.people = read_csv(os.path.join(ledger, "人员.csv"))
        self.officers = read_csv(os.path.join(ledger, "干部.csv"))
        self.used_ids = {p["身份证号"] for p in self.people} | {f["身份证号"] for f in self.officers}
        self.used_names = {p["姓名"] for p in self.people}
        self.acts, self.roster, self.works, self.items = [], [], [], []
        self.townships = [o for o in self.orgs.values() if o["组织类型"] == "乡镇妇联"]
        assert len(self.townships) == 12
        self.units_of = defaultdict(list)  # township code -> villages/communities
        for o in self.orgs.values():
            if o["组织类型"] in ("村妇联", "社区妇联"):
                self.units_of[o["上级组织编码"]].append(o)

    def short(self, code):
        return self.orgs[code]["组织名称"].removesuffix("妇联")

    def code_of(self, name):
        hits = [c for c, o in self.orgs.items() if o["组织名称"] == name]
        assert len(hits) == 1, name
        return hits[0]

    # ------------------------------------------------------------ helpers
    def name(self, male):
        rng = self.rng
        while True:
            s = rng.choice(SURNAMES)
            if male:
                n = s + rng.choice(GIVEN_M1) if rng.random() < 0.3 else s + rng.choice(GIVEN_MA) + rng.choice(GIVEN_MB)
            elif rng.random() < 0.25:
                n = s + rng.choice(GIVEN_1)
            else:
                a, b = rng.choice(GIVEN_A), rng.choice(GIVEN_B)
                if a == b:
                    continue
                n = s + a + b
            if len(set(n[1:])) < len(n[1:]) or n in REVIEW_NAMES:
                continue
            if n in self.used_names and rng.random() < 0.95:
                continue
            self.used_names.add(n)
            return n

    def new_id(self, male):
        """A new 18-digit ID: address 420527, born 1965–1998, odd 17th digit = male."""
        rng = self.rng
        born = D(1965, 1, 1) + dt.timedelta(days=rng.randint(0, (D(1998, 12, 31) - D(1965, 1, 1)).days))
        while True:
            seq = "%02d%d" % (rng.randint(0, 99), rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8]))
            if seq == "000":
                continue
            first17 = "420527" + born.strftime("%Y%m%d") + seq
            idn = first17 + id_check_char(first17)
            if idn not in self.used_ids:
                self.used_ids.add(idn)
                return idn

    def cadre(self):
        male = self.rng.random() < 0.36
        return self.name(male), self.new_id(male)

    def act(self, code, name, brand, kind, org, start, end=None, online=False, place="", units="", head="",
            materials="", summary="", partners="", caption=""):
        assert kind in KINDS and org in self.orgs, (code, kind, org)
        self.acts.append({
            "活动编号": code, "活动名称": name, "品牌项目": brand, "活动类型": kind, "主办组织编码": org,
            "联合单位": partners, "开始日期": iso(start), "结束日期": iso(end) if end else "",
            "形式": "线上" if online else "线下", "地点": place, "覆盖单位数": str(units), "参与人数": str(head),
            "发放材料": materials, "简介": summary, "照片": "", "照片说明": caption})

    def attend(self, code, name, idn, unit):
        self.roster.append({"活动编号": code, "姓名": name, "身份证号": idn, "单位": unit})

    def item(self, title, platform, day, column="", reposts="", act="", org=COUNTY):
        self.items.append({"标题": title, "发布平台": platform, "发布日期": iso(day), "发布组织编码": org,
                           "栏目": column, "链接": "", "转载方": reposts, "活动编号": act})

    # ------------------------------------------------------------ 巾帼微学堂
    def build_wxt(self):
        rng = self.rng
        topics = [
            "学习党的十九届四中全会精神", "疫情防控，巾帼在行动", "习近平总书记关于注重家庭家教家风的重要论述",
            "复工复产，巾帼建新功", "民法典走进千家万户", "决战决胜脱贫攻坚",
            "庆祝中国共产党成立99周年", "防汛救灾中的巾帼力量", "伟大抗疫精神",
            "习近平总书记关于妇女工作的重要论述", "学习党的十九届五中全会精神", "“12·4”国家宪法日 学宪法讲宪法",
        ]
        towns = [t["组织编码"] for t in self.townships]
        for m in range(1, 13):
            org = COUNTY if m in (1, 7, 12) else towns[(m - 2) % 12]
            day = D(2020, m, rng.randint(8, 24))
            where = "县妇联会议室" if org == COUNTY else self.orgs[org]["组织名称"].removesuffix("妇联") + "政府会议室"
            head = rng.randint(18, 30) if m in (2, 3) else rng.randint(35, 120)
            code = "2020-WXT-%02d" % m
            self.act(code, "巾帼微学堂（2020年第%d期）：%s" % (m, topics[m - 1]), "巾帼微学堂", "宣讲", org, day,
                     place="疫情防控值守点" if m in (2, 3) else where, head=head,
                     summary="结合当月会议、培训，用3-5分钟向妇女宣讲%s。" % topics[m - 1])
            self.item("巾帼微学堂（2020年第%d期）｜%s" % (m, topics[m - 1]), "屈乡巾帼公众号",
                      day + dt.timedelta(days=rng.choice([0, 1])), "巾帼微学堂", act=code)

    # ------------------------------------------------------------ 母亲讲堂
    def build_mqjt(self):
        rng = self.rng
        dates = [D(2020, 5, 21), D(2020, 6, 18), D(2020, 7, 16), D(2020, 8, 20), D(2020, 9, 10),
                 D(2020, 10, 22), D(2020, 11, 12), D(2020, 12, 10)]
        topics = ["亲子沟通的艺术", "疫情之后的心理调适", "青春期孩子的家庭教育", "职场女性的情绪管理",
                  "做智慧型父母", "女性健康与自我保健", "好家风涵养好家教", "时间管理与自我提升"]
        # people per unit, summing to MQJT_PEOPLE
        size = {u: rng.randint(24, 34) if u in BIG_UNITS else rng.randint(15, 24) for u in COUNTY_UNITS}
        while sum(size.values()) != MQJT_PEOPLE:
            u = rng.choice(COUNTY_UNITS)
            size[u] += 1 if sum(size.values()) < MQJT_PEOPLE else -1
        units = list(COUNTY_UNITS)
        rng.shuffle(units)
        sessions = [units[3 * i:3 * i + 3] for i in range(8)]
        staff = {u: [self.cadre() for _ in range(size[u])] for u in COUNTY_UNITS}
        rows = defaultdict(list)  # session index -> [(name, id, unit)]
        for i, us in enumerate(sessions):
            for u in us:
                rows[i] += [(n, idn, u) for n, idn in staff[u]]
        # a few people come back for a second session (they count once)
        again = set()
        for i in rng.sample(range(8), MQJT_REPEATERS // 2):
            for _ in range(2):
                n, idn, u = rng.choice([x for x in rows[i] if x[2] in sessions[i] and x[1] not in again])
                again.add(idn)
                while True:
                    j = rng.randrange(8)
                    if j != i and all(x[1] != idn for x in rows[j]):
                        break
                rows[j].append((n, idn, u))
        for i in range(8):
            code = "2020-MQJT-%02d" % (i + 1)
            us = sorted({u for _, _, u in rows[i]}, key=COUNTY_UNITS.index)
            host = sessions[i][0]
            self.act(code, "醉美姊归·母亲讲堂进机关（第%d期）：%s" % (i + 1, topics[i]), "母亲讲堂", "讲座", COUNTY,
                     dates[i], place=host + "会议室", units=len(us), head=len(rows[i]),
                     partners="、".join(sessions[i]),
                     summary="为县直单位干部职工送去%s专题讲座。" % topics[i],
                     caption="图丨“醉美姊归·母亲讲堂”走进%s" % "、".join(sessions[i]))
            for n, idn, u in sorted(rows[i], key=lambda x: (COUNTY_UNITS.index(x[2]), x[1])):
                self.attend(code, n, idn, u)
        # one in 2019 (no roster), outside the 2020 figures
        self.act("2019-MQJT-01", "醉美姊归·母亲讲堂进机关（试讲）：家庭教育从心开始", "母亲讲堂", "讲座", COUNTY,
                 D(2019, 12, 12), place="县妇联会议室", units=2, head=60, partners="县总工会")

    # ------------------------------------------------------------ 家庭助廉 + 征集
    def build_lianjie(self):
        rng = self.rng
        self.act("2020-JTZL-01", "“传承好家训 弘扬好家风”家庭助廉专题讲座", "家庭助廉", "讲座", COUNTY,
                 D(2020, 10, 16), place="县委党校报告厅", head=188, materials="倡议书:220", partners="县纪委监委",
                 summary="邀请湖北省儿童中心“荆楚好父母”项目签约讲师进行家风专题讲座，领导干部及家属参会。",
                 caption="图丨开展“传承好家训 弘扬好家风”家庭助廉活动")
        self.act("2019-JTZL-01", "2019年领导干部家属廉洁家风座谈", "家庭助廉", "讲座", COUNTY, D(2019, 12, 5),
                 place="县纪委监委会议室", head=46, materials="倡议书:150", partners="县纪委监委")
        code = "2020-ZJ-01"
        self.act(code, "廉洁家风作品、廉洁家规家训、廉洁家书故事主题作品征集", "家风家训家书", "征集", COUNTY,
                 D(2020, 6, 1), D(2020, 8, 31), partners="县纪委监委",
                 summary="联合县纪委监委机关，在全县机关事业单位中开展三大主题作品征集。")
        forms = ["书法", "国画", "摄影", "剪纸", "手抄报", "漫画", "短视频", "诗歌"]
        fengs = ["清风传家", "廉洁齐家", "家和万事兴", "清白传家远", "莲韵清风", "一身正气", "俭以养德", "守望清廉",
                 "廉润万家", "家风如灯", "清风徐来", "墨韵清风", "廉花朵朵", "清廉秭归", "橘颂清风", "屈乡清风",
                 "好家风伴我行", "廉心向党", "清正做人 干净做事", "清风满屈乡", "出淤泥而不染", "竹韵清风", "梅骨兰心",
                 "清水出芙蓉", "廉字当头", "清廉家园", "家风正则民风淳", "勤廉兴家", "一家清风", "淡泊明志",
                 "宁静致远", "两袖清风", "守住初心", "廉润心田", "家风传承一脉清", "廉韵悠长", "清清白白做人",
                 "廉洁之花", "家风润童心", "清风入万家", "廉风拂峡江", "峡江廉韵", "守廉如玉", "以廉润家",
                 "镜头里的好家风"]
        xuns = ["勤俭持家 清白做人", "不义之财不取", "以廉为荣 以贪为耻", "诚实守信 踏实做事", "公私分明",
                "耕读传家", "身正为范", "吃饭不剩一粒米", "礼尚往来不收重礼", "不该拿的一分不拿", "先做人后做事",
                "家中不议公事", "不搞特殊化", "孝老爱亲", "知足常乐", "严以律己 宽以待人", "不占公家便宜",
                "亲友办事不打招呼", "言必信 行必果", "勤能补拙 俭以养廉", "读书明理", "守规矩 讲诚信",
                "清白传家", "干干净净做事", "人情往来有分寸", "廉洁从家开始", "公车不私用", "勤劳致富 不贪不占"]
        xun_names = ["%s氏家训" % s for s in "王李张刘陈杨周谭向郑屈覃"]
        shus = ["写给%s的一封家书" % r for r in [
            "儿子", "女儿", "丈夫", "妻子", "父亲", "母亲", "即将入职的女儿", "刚走上领导岗位的丈夫",
            "扶贫一线的爱人", "抗疫一线的妻子", "在外求学的儿子", "参加工作的女儿", "新婚的儿子儿媳",
            "刚入党的女儿", "二十年后的自己", "驻村的丈夫", "考上公务员的儿子", "年迈的父亲", "远方的母亲",
            "未来的孙辈"]] + ["父亲的“廉洁账本”", "母亲的叮嘱", "一张退回的购物卡", "爷爷的老扁担", "外婆的老算盘",
                             "一箱脐橙的故事", "父亲的旧公文包", "母亲退回的红包", "一碗清水面", "奶奶的针线筐",
                             "家门口的那棵橘树", "父亲的三句话"]
        assert len(fengs) == 45 and len(xuns) + len(xun_names) == 40 and len(shus) == 32
        titles = ([("《%s》（%s）" % (t, rng.choice(forms)), "廉洁家风作品") for t in fengs]
                  + [("我家的家规：%s" % t, "廉洁家规家训") for t in xuns]
                  + [("《%s》" % t, "廉洁家规家训") for t in xun_names]
                  + [("《%s》" % t, "廉洁家书故事") for t in shus])
        rng.shuffle(titles)
        homes = ["JG-420527-001", "JG-420527-002", COUNTY] * 3 + [t["组织编码"] for t in self.townships]
        for title, cat in titles:
            self.works.append({"活动编号": code, "作品名称": title, "作者": self.name(rng.random() < 0.3),
                               "作品类别": cat, "所属组织编码": rng.choice(homes)})

    # ------------------------------------------------------------ chairs training
    def build_chairs_training(self):
        rng = self.rng
        code = "2020-PX-01"
        chairs = [f for f in self.officers if f["职务"] == "主席" and covers(f, TRAINING_DAY)]
        kind = lambda f: self.orgs[f["组织编码"]]["组织类型"]  # noqa: E731
        town = [f for f in chairs if kind(f) == "乡镇妇联"]
        nf = sorted((f for f in chairs if kind(f) == "新领域妇联"), key=lambda f: f["组织编码"])
        must = {self.code_of(n) for n in ("银杏沱村妇联", "滨湖社区妇联", "太坪村妇联")}
        village = []
        for t in self.townships:
            codes = {o["组织编码"] for o in self.units_of[t["组织编码"]]}
            cand = sorted((f for f in chairs if f["组织编码"] in codes), key=lambda f: f["组织编码"])
            pick = [f for f in cand if f["组织编码"] in must]
            pick += rng.sample([f for f in cand if f not in pick], 4 - len(pick))
            village += sorted(pick, key=lambda f: f["组织编码"])
        picked = town + nf + village
        assert len(town) == 12 and len(nf) == 9 and len(village) == 48, (len(town), len(nf), len(village))
        assert len({f["身份证号"] for f in picked}) == 69
        for f in sorted(town, key=lambda f: f["组织编码"]) + nf + village:
            self.attend(code, f["姓名"], f["身份证号"], self.orgs[f["组织编码"]]["组织名称"])
        # 3 county staff who are not chairs: the two vice-chairs and one plain 执委
        chair_ids = {f["身份证号"] for f in self.officers if f["职务"] == "主席"}
        county = [f for f in self.officers if f["组织编码"] == COUNTY and f["职务"] != "主席"
                  and f["身份证号"] not in chair_ids]
        staff = [f for f in county if f["职务"] == "副主席"][:2] + [f for f in county if f["职务"] == "执委"][:1]
        for f in staff:
            self.attend(code, f["姓名"], f["身份证号"], "秭归县妇联")
        self.act(code, "全县乡镇、村、新领域妇联主席培训班", "", "培训", COUNTY, TRAINING_DAY, D(2020, 9, 23),
                 place="县委党校", head=72,
                 summary="采取“政治理论+现场教学+经验交流”的方式，培训乡镇、村、新领域妇联主席。",
                 caption="图丨9月21日-23日，组织69名乡镇、村、新领域妇联主席开展培训")

    # ------------------------------------------------------------ online courses
    def build_online(self):
        rng = self.rng
        topics = [
            ("家庭教育", ["疫情期间如何陪伴孩子居家学习", "好习惯成就好孩子", "隔代教养的误区与对策", "如何与青春期孩子沟通",
                       "父母是孩子的第一任老师", "家庭阅读习惯的培养", "网络时代的亲子关系", "留守儿童的家庭教育",
                       "家庭中的规则与自由", "二孩家庭的教育智慧", "开学季的心理准备", "家风家教与孩子成长"]),
            ("心理健康", ["疫情下的心理自助", "女性情绪管理", "走出焦虑", "压力与睡眠", "婚姻家庭中的沟通技巧",
                       "更年期女性身心保健", "职场女性的心理调适", "积极心理与幸福感", "如何识别与预防抑郁",
                       "家庭暴力的识别与求助"]),
            ("技能提升", ["手机摄影与短视频制作", "电商直播入门", "农产品网店运营", "刺绣基础针法", "家政服务技能",
                       "茶叶种植与加工", "脐橙种植管理", "妇联干部公文写作", "微信公众号编辑排版", "基层妇联工作实务"]),
        ]
        flat = [(cat, t) for cat, ts in topics for t in ts]
        assert len(flat) == 32
        # roughly three a month from February; family-education topics early on
        days = sorted(D(2020, 2, 10) + dt.timedelta(days=rng.randint(0, 320)) for _ in range(32))
        order = flat[:]
        rng.shuffle(order)
        order.sort(key=lambda x: not x[1].startswith("疫情"))  # the COVID topics come first
        for i, ((cat, t), day) in enumerate(zip(order, days), 1):
            self.act("2020-XS-%02d" % i, "线上课堂（第%d期）：%s" % (i, t), "线上课堂", "培训", COUNTY, day,
                     online=True, place="“湖北女性”线上学习平台", head=rng.randint(90, 420),
                     summary="%s课程，组织妇女干部线上学习。" % cat)
        self.act("2019-XS-01", "线上课堂（试运行）：妇联干部网上学习平台使用", "线上课堂", "培训", COUNTY,
                 D(2019, 12, 18), online=True, place="“湖北女性”线上学习平台", head=160)

    # ------------------------------------------------------------ other 2020 work
    def build_others(self):
        rng = self.rng
        t = {o["组织名称"].removesuffix("妇联"): o["组织编码"] for o in self.townships}
        # 巾帼微分享: 最美巾帼奋斗者 故事展播
        for i, (day, theme, org) in enumerate([
                (D(2020, 4, 22), "抗疫一线的巾帼身影", COUNTY), (D(2020, 6, 16), "脱贫攻坚中的最美家庭", t["屈原镇"]),
                (D(2020, 9, 8), "复工复产巾帼奋斗者", t["郭家坝镇"]), (D(2020, 11, 26), "乡村振兴巾帼带头人", COUNTY)], 1):
            self.act("2020-WFX-%02d" % i, "巾帼微分享：“最美巾帼奋斗者”故事展播（%s）" % theme, "巾帼微分享", "展播",
                     org, day, place="县图书馆报告厅" if org == COUNTY else self.short(org) + "文化站",
                     head=rng.randint(60, 150),
                     summary="围绕%s，展播优秀妇女和最美家庭事迹。" % theme)
        for i, (day, song, org) in enumerate([
                (D(2020, 6, 28), "唱支山歌给党听", t["屈原镇"]), (D(2020, 9, 29), "我和我的祖国", t["归州镇"]),
                (D(2020, 12, 18), "没有共产党就没有新中国", t["九畹溪镇"])], 1):
            self.act("2020-WHC-%02d" % i, "巾帼微合唱：学唱红色经典《%s》" % song, "巾帼微合唱", "合唱", org, day,
                     place=self.short(org) + "文化站", head=rng.randint(30, 80))
        # 电商培训 in three places
        yxt, bh, fhs = (self.code_of(n) for n in ("银杏沱村妇联", "滨湖社区妇联", "凤凰山社区妇联"))
        self.act("2020-DS-01", "滨湖社区妇女电商创业培训", "电商培训", "培训", bh, D(2020, 5, 27),
                 place="滨湖社区妇女之家", head=46, summary="讲授网店开设、直播带货和物流对接，帮助妇女从业创业。")
        self.act("2020-DS-02", "银杏沱村绣娘、果农电商培训", "电商培训", "培训", yxt, D(2020, 6, 15), D(2020, 6, 16),
                 place="银杏沱村妇女之家", head=18, summary="绣娘和果农学习开设网店，在线销售绣品和脐橙。")
        self.act("2020-DS-03", "小央美儿童之家周边妇女电商技能培训", "电商培训", "培训", fhs, D(2020, 8, 26),
                 place="凤凰山社区小央美儿童之家", head=38, summary="面向儿童家长开展短视频和网店运营培训。")
        # roster of the 银杏沱村 course: its chair (also at the chairs' course) + residents holding no post
        officer_ids = {f["身份证号"] for f in self.officers}
        chair = [f for f in self.officers if f["组织编码"] == yxt and f["职务"] == "主席"][0]
        self.attend("2020-DS-02", chair["姓名"], chair["身份证号"], "银杏沱村妇联")
        mp = [p for p in self.people if p["所属组织编码"].startswith("420527101") and p["身份证号"] not in officer_ids
              and p["姓名"] not in REVIEW_NAMES]
        mp.sort(key=lambda p: ("绣娘" not in p["标签"], p["所属组织编码"] != yxt, p["身份证号"]))
        for p in mp[:17]:
            self.attend("2020-DS-02", p["姓名"], p["身份证号"], self.orgs[p["所属组织编码"]]["组织名称"].removesuffix("妇联"))
        # 基层社会治理培训 in the 12 townships, late November
        days = [D(2020, 11, 21) + dt.timedelta(days=i * 9 // 12) for i in range(12)]
        for i, (town, day) in enumerate(zip(self.townships, days), 1):
            name = town["组织名称"].removesuffix("妇联")
            self.act("2020-ZL-%02d" % i, "%s基层社会治理工作培训" % name, "基层社会治理培训", "培训",
                     town["组织编码"], day, place="%s政府会议室" % name, head=rng.randint(40, 95),
                     summary="宣讲《民法典·婚姻家庭编》相关法律知识和妇女议事会知识。")
        # meetings and the visit
        self.act("2020-HY-01", "全县妇联工作会议", "", "会议", COUNTY, D(2020, 6, 5), place="县委党校", head=86,
                 summary="明确工作任务，强调工作要求。", caption="图丨6月5日，召开全县妇联工作会议")
        self.act("2020-HY-02", "全县妇女儿童工作委员会全体会议", "", "会议", COUNTY, D(2020, 11, 4),
                 place="县政府常务会议室", head=42, summary="安排部署新一轮“两个规划”的编制工作。")
        self.act("2020-ZF-01", "“真情关爱 温暖他乡”关爱留守儿童活动", "", "走访", COUNTY, D(2020, 12, 25),
                 place="九畹溪镇周坪村儿童之家", head=32, materials="地球仪:30;跳棋:30",
                 summary="为留守儿童送去地球仪、跳棋等学习用品，现场进行亲情连线。")
        # ordinary village activities across the townships
        plans = [
            ("宣讲", "“三八”妇女节巾帼志愿者防疫宣讲", D(2020, 3, 8)),
            ("会议", "村妇联执委会：部署复工复产妇女就业摸底", D(2020, 3, 26)),
            ("宣讲", "《民法典》进村入户宣讲", D(2020, 6, 9)),
            ("其他", "“醉美姊归·最美庭院”现场观摩", D(2020, 5, 14)),
            ("会议", "妇女议事会：村庄环境整治议事", D(2020, 5, 20)),
            ("宣讲", "“两癌”救助政策宣讲", D(2020, 4, 23)),
            ("其他", "端午节巾帼志愿者敬老包粽子", D(2020, 6, 24)),
            ("宣讲", "《反家庭暴力法》宣传进村", D(2020, 7, 9)),
            ("会议", "妇女议事会：留守儿童暑期安全", D(2020, 7, 17)),
            ("宣讲", "防范电信诈骗宣讲", D(2020, 8, 13)),
            ("其他", "“最美阳台”评比", D(2020, 9, 17)),
            ("宣讲", "文明家庭创建宣讲", D(2020, 10, 15)),
            ("其他", "重阳节巾帼志愿者走进敬老院", D(2020, 10, 25)),
            ("会议", "村妇联执委会：年终工作总结", D(2020, 12, 16)),
            ("宣讲", "垃圾分类进家庭宣讲", D(2020, 12, 3)),
        ]
        for i, (kind, name, day) in enumerate(plans, 1):
            town = self.townships[(i - 1) % 12]
            v = rng.choice(sorted(self.units_of[town["组织编码"]], key=lambda o: o["组织编码"]))
            vname = v["组织名称"].removesuffix("妇联")
            mats = "倡议书:60;宣传册:80" if "垃圾分类" in name else ("宣传册:120" if "反家庭暴力" in name else "")
            self.act("2020-CJ-%02d" % i, "%s%s" % (vname, name), "", kind, v["组织编码"], day,
                     place=vname + "妇女之家", head=rng.randint(18, 70), materials=mats)
        # 2019 items outside the year
        self.act("2019-WXT-11", "巾帼微学堂（2019年第1期）：学习党的十九届四中全会精神", "巾帼微学堂", "宣讲", COUNTY,
                 D(2019, 11, 19), place="县妇联会议室", head=40)
        self.act("2019-WXT-12", "巾帼微学堂（2019年第2期）：习近平总书记关于家庭建设的重要论述", "巾帼微学堂", "宣讲",
                 t["茅坪镇"], D(2019, 12, 17), place="茅坪镇政府会议室", head=55)
        self.act("2019-HY-01", "2019年全县妇联工作会议", "", "会议", COUNTY, D(2019, 3, 12), place="县委党校", head=80)

    # ------------------------------------------------------------ 宣传
    def build_publicity(self):
        stories = [
            (D(2020, 2, 6), "社区里的“守门人”：滨湖社区妇联执委24小时值守卡点", ""),
            (D(2020, 2, 12), "白衣执甲战疫情——记县人民医院感染科的“娘子军”", "湖北省妇联公众号:省"),
            (D(2020, 2, 18), "一针一线缝口罩 绣娘姐妹献爱心", "宜昌市妇联公众号:市"),
            (D(2020, 2, 25), "“菜篮子”送到家门口：银杏沱村巾帼志愿者当好代购员", "宜昌市妇联公众号:市"),
            (D(2020, 3, 3), "“疫”线上的母女兵", ""),
            (D(2020, 3, 10), "这个“三八”节，她们在防控一线度过", ""),
            (D(2020, 3, 20), "村妇联主席的“大喇叭”", ""),
            (D(2020, 4, 2), "复工复产一线的巾帼身影：山峡果业脐橙分拣车间见闻", ""),
            (D(2020, 4, 15), "网络直播卖脐橙 她为果农解忧愁", "宜昌市妇联公众号:市"),
        ]
        for day, title, rp in stories:
            self.item("巾帼抗疫故事｜" + title, "屈乡巾帼公众号", day, "巾帼抗疫故事", rp)
        self.item("湖北秭归：破难攻坚 让基层妇联组织“活”起来", "中国妇女报", D(2020, 8, 18))
        self.item("秭归县妇联：深化改革激活基层妇联组织", "学习强国", D(2020, 9, 3))
        self.item("巾帼微学堂（2019年第1期）｜学习党的十九届四中全会精神", "屈乡巾帼公众号", D(2019, 11, 19),
                  "巾帼微学堂", act="2019-WXT-11")
        self.item("巾帼微学堂（2019年第2期）｜习近平总书记关于家庭建设的重要论述", "屈乡巾帼公众号", D(2019, 12, 17),
                  "巾帼微学堂", act="2019-WXT-12")
        self.item("宜昌市第六届“最美家庭”秭归风采", "屈乡巾帼公众号", D(2019, 5, 15), "最美家庭", "宜昌市妇联公众号:市")
        self.items.sort(key=lambda r: (r["发布日期"], r["标题"]))
        self.acts.sort(key=lambda r: (r["开始日期"], r["活动编号"]))

    # ------------------------------------------------------------ checks of the rows
    def verify(self):
        codes = [a["活动编号"] for a in self.acts]
        assert len(codes) == len(set(codes))
        known = set(codes)
        for a in self.acts:
            assert a["主办组织编码"] in self.orgs and a["活动类型"] in KINDS
            s = D.fromisoformat(a["开始日期"])
            assert a["活动编号"][:4] == str(s.year) and s.year in (2019, 2020), a["活动编号"]
            if a["结束日期"]:
                assert D.fromisoformat(a["结束日期"]) >= s
        keys = set()
        people_ids = {p["身份证号"] for p in self.people}
        for r in self.roster:
            assert r["活动编号"] in known and id_valid(r["身份证号"]), r
            k = (r["活动编号"], r["身份证号"])
            assert k not in keys, k
            keys.add(k)
            if r["活动编号"].startswith("2020-MQJT"):
                assert r["身份证号"] not in people_ids and r["身份证号"][:6] == "420527"
                assert 1965 <= int(r["身份证号"][6:10]) <= 1998
        wk = {(w["活动编号"], w["作品名称"], w["作者"]) for w in self.works}
        assert len(wk) == len(self.works)
        assert all(w["所属组织编码"] in self.orgs and w["活动编号"] in known for w in self.works)
        ik = {(i["标题"], i["发布平台"]) for i in self.items}
        assert len(ik) == len(self.items)
        assert all(i["发布组织编码"] in self.orgs and (not i["活动编号"] or i["活动编号"] in known) for i in self.items)


# ---------------------------------------------------------------- figures
def figures(ledger, year=2020):
    """Recompute the review's figures from the CSV files, with the platform's rules."""
    acts = [a for a in read_csv(os.path.join(ledger, "活动.csv")) if a["开始日期"][:4] == str(year)]
    ids = {a["活动编号"] for a in acts}
    roster = defaultdict(list)
    for r in read_csv(os.path.join(ledger, "参与人员.csv")):
        if r["活动编号"] in ids:
            roster[r["活动编号"]].append(r)
    officers = read_csv(os.path.join(ledger, "干部.csv"))
    works = [w for w in read_csv(os.path.join(ledger, "作品.csv")) if w["活动编号"] in ids]
    items = [i for i in read_csv(os.path.join(ledger, "宣传.csv")) if i["发布日期"][:4] == str(year)]

    def group(brand=None, kind=None, online=None):
        return [a for a in acts if (brand is None or a["品牌项目"] == brand) and (kind is None or a["活动类型"] == kind)
                and (online is None or (a["形式"] == "线上") == online)]

    def participants(g):
        people, counted = set(), 0
        for a in g:
            if roster[a["活动编号"]]:
                people |= {r["身份证号"] for r in roster[a["活动编号"]]}
            else:
                counted += int(a["参与人数"] or 0)
        return len(people) + counted

    def units(g):
        us, counted = set(), 0
        for a in g:
            ru = {r["单位"].strip() for r in roster[a["活动编号"]] if r["单位"].strip()}
            if ru:
                us |= ru
            else:
                counted += int(a["覆盖单位数"] or 0)
        return len(us) + counted

    def materials(g):
        m = Counter()
        for a in g:
            for part in filter(None, a["发放材料"].split(";")):
                n, q = part.split(":")
                m[n] += int(q)
        return m

    start = {a["活动编号"]: D.fromisoformat(a["开始日期"]) for a in acts}
    trained_off, trained_chairs = set(), set()
    for a in group(kind="培训"):
        for r in roster[a["活动编号"]]:
            held = [f for f in officers if f["身份证号"] == r["身份证号"] and covers(f, start[a["活动编号"]])]
            if held:
                trained_off.add(r["身份证号"])
            if any(f["职务"] == "主席" for f in held):
                trained_chairs.add(r["身份证号"])

    kangyi = [i for i in items if i["栏目"] == "巾帼抗疫故事"]

    def reposted(its, level):
        return sum(1 for i in its if any(p.split(":")[1] == level for p in filter(None, i["转载方"].split(";"))))

    mq, zl = group("母亲讲堂"), group("家庭助廉")
    return {
        "巾帼微学堂 activities": len(group("巾帼微学堂")),
        "母亲讲堂 activities": len(mq),
        "母亲讲堂 units": units(mq),
        "母亲讲堂 participants": participants(mq),
        "母亲讲堂 roster rows": sum(len(roster[a["活动编号"]]) for a in mq),
        "家庭助廉 倡议书": materials(zl)["倡议书"],
        "家庭助廉 participants": participants(zl),
        "works": len(works),
        "works by category": dict(sorted(Counter(w["作品类别"] for w in works).items())),
        "officers trained": len(trained_off),
        "chairs trained": len(trained_chairs),
        "online 培训 activities": len(group(kind="培训", online=True)),
        "online activities (any type)": len(group(online=True)),
        "巾帼抗疫故事 items": len(kangyi),
        "抗疫 items reposted 省": reposted(kangyi, "省"),
        "抗疫 items reposted 市": reposted(kangyi, "市"),
        "all items reposted 省": reposted(items, "省"),
        "all items reposted 市": reposted(items, "市"),
        "巾帼微学堂 items": sum(1 for i in items if i["栏目"] == "巾帼微学堂"),
        "activities (all)": len(acts),
    }


EXPECTED = {
    "巾帼微学堂 activities": 12, "母亲讲堂 activities": 8, "母亲讲堂 units": 24, "母亲讲堂 participants": MQJT_PEOPLE,
    "家庭助廉 倡议书": 220, "家庭助廉 participants": 188, "works": 117,
    "works by category": {"廉洁家书故事": 32, "廉洁家规家训": 40, "廉洁家风作品": 45},
    "officers trained": 72, "chairs trained": 69, "online 培训 activities": 32, "online activities (any type)": 32,
    "巾帼抗疫故事 items": 9, "抗疫 items reposted 省": 1, "抗疫 items reposted 市": 3,
    "all items reposted 省": 1, "all items reposted 市": 3, "巾帼微学堂 items": 12,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ledger", default=os.path.join(here, "..", "ledger"))
    args = ap.parse_args()
    g = Gen(args.ledger)
    g.build_wxt()
    g.build_mqjt()
    g.build_lianjie()
    g.build_chairs_training()
    g.build_online()
    g.build_others()
    g.build_publicity()
    g.verify()
    sheets = {"活动": g.acts, "参与人员": g.roster, "作品": g.works, "宣传": g.items}
    for name, rows in sheets.items():
        write_csv(os.path.join(args.ledger, name + ".csv"), COLUMNS[name], rows)
        print("%s.csv: %d rows" % (name, len(rows)))
    f = figures(args.ledger)
    for k, v in f.items():
        print("%s: %s" % (k, v))
    for k, v in EXPECTED.items():
        assert f[k] == v, (k, f[k], v)
    assert 505 <= f["母亲讲堂 participants"] <= 530
    assert f["母亲讲堂 roster rows"] == MQJT_PEOPLE + MQJT_REPEATERS
    print("figures OK (2020)")


if __name__ == "__main__":
    main()
