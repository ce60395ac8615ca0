//! The default outline, after the seed review (spec/000_…txt): six parts in
//! the order of spec/review.md, highlights with mottos, and sentences in the
//! seed's register. Sections whose records a county doesn't keep simply
//! disappear from its review.

use super::{Feed, HighlightOutline, Outline, PartOutline, SectionOutline};

fn programme(name: &str) -> Feed {
    Feed::Activities {
        programme: Some(name.into()),
        kind: None,
        online: None,
        name_contains: Vec::new(),
    }
}

fn named(kind: Option<&str>, words: &[&str]) -> Feed {
    Feed::Activities {
        programme: None,
        kind: kind.map(Into::into),
        online: None,
        name_contains: words.iter().map(|w| w.to_string()).collect(),
    }
}

fn section(heading: &str, feed: Feed, text: &str) -> SectionOutline {
    SectionOutline {
        heading: heading.into(),
        about: None,
        feed,
        text: Some(text.into()),
    }
}

fn highlight(key: &str, motto: &str, sections: Vec<SectionOutline>) -> HighlightOutline {
    HighlightOutline {
        key: key.into(),
        motto: motto.into(),
        sections,
    }
}

fn part(key: &str, title: &str, intro: &str, highlights: Vec<HighlightOutline>) -> PartOutline {
    PartOutline {
        key: key.into(),
        title: title.into(),
        intro: Some(intro.into()),
        highlights,
    }
}

impl Default for Outline {
    fn default() -> Self {
        let mut wxt = section(
            "巾帼微学堂",
            programme("巾帼微学堂"),
            "{period}，共推送“巾帼微学堂”{count@期}。",
        );
        wxt.about = Some(
            "结合各单位每个月的培训、会议、活动等，利用3-5分钟时间，向女性宣讲习近平新时代中国特色社会主义思想、习近平总书记关于妇联工作的重要论述及当下的时政热点等，引导广大妇女感党恩、听党话、跟党走，提升自身政治素养。"
                .into(),
        );
        Outline {
            title: Some("{org}{period}工作盘点".into()),
            preface: Some(
                "{period}，{org}用心用情、攻坚克难，团结带领广大妇女姐妹，在思想引领、家庭建设、关爱服务、组织建设等方面发挥巾帼作为，彰显巾帼力量。\n请跟随小编，盘点这一年我们共同奋斗的足迹。"
                    .into(),
            ),
            closing: Some(
                "荣誉，是认可，更是激励和鞭策。\n新的号角已经吹响，让我们一起凝心聚力，砥砺前行，乘风破浪，再创佳绩！"
                    .into(),
            ),
            source_line: None,
            parts: vec![
                part(
                    "thought",
                    "深化思想引领 多措并举凝聚同心",
                    "{period}，{org}深入开展“巾帼三微”活动，采用广大妇女群众乐于接受的方式，组织理论学习，分享心得体会，齐唱红色歌曲，引导广大妇女感党恩、听党话、跟党走。",
                    vec![highlight(
                        "theory",
                        "强 · 理论武装",
                        vec![
                            wxt,
                            section(
                                "巾帼微分享",
                                programme("巾帼微分享"),
                                "围绕疫情防控、脱贫攻坚和经济社会发展各项工作中的优秀妇女和最美家庭事迹，开展“最美巾帼奋斗者”故事展播{count@期}。",
                            ),
                            section(
                                "巾帼微合唱",
                                programme("巾帼微合唱"),
                                "基层妇联组织学唱红色经典歌曲{count@场}，引导妇女感党恩、听党话、跟党走。",
                            ),
                        ],
                    )],
                ),
                part(
                    "family",
                    "注重家庭建设 涵养文明家风",
                    "{period}，{org}以家庭文化建设为抓手，注重家庭、注重家教、注重家风，以女性榜样强示范，引导广大家庭崇德向善。",
                    vec![highlight(
                        "family_culture",
                        "厚 · 家庭文化",
                        vec![
                            section(
                                "母亲讲堂播良种",
                                programme("母亲讲堂"),
                                "{period}，开展“母亲讲堂”进机关活动，为广大妇女送去亲子教育、心理健康、自我提升知识讲座。全年共开展{count@期}[，惠及{units@个}单位{participants@名}干部职工]。",
                            ),
                            section(
                                "家庭助廉 警钟长鸣",
                                programme("家庭助廉"),
                                "开展{names}[，发放{materials}][，领导干部及家属{participants@人}参会]。",
                            ),
                            section(
                                "家风家训家书永传承",
                                programme("家风家训家书"),
                                "[联合{partners}，]开展[{work_categories}]主题作品征集[，共收到作品{works@件}]。",
                            ),
                        ],
                    )],
                ),
                part(
                    "care",
                    "聚焦关爱服务 传递温暖民心",
                    "{period}，{org}积极号召动员广大妇女参与疫情防控，落实关心关爱，传递温暖，为经济社会稳定发展贡献巾帼力量。",
                    vec![
                        highlight(
                            "epidemic",
                            "聚 · 巾帼之力战疫情",
                            vec![section(
                                "抗疫故事大宣讲",
                                Feed::Column {
                                    column: "巾帼抗疫故事".into(),
                                },
                                "充分利用各种形式宣讲巾帼抗疫故事，{channel}宣讲巾帼抗疫故事{items@篇}[，{reposts}]。",
                            )],
                        ),
                        highlight(
                            "caring",
                            "送 · 关心关爱暖人心",
                            vec![
                                section(
                                    "妇儿关爱显真情",
                                    named(None, &["妇女儿童工作委员会"]),
                                    "{when}，召开{names}，安排部署妇女儿童工作。",
                                ),
                                section(
                                    "",
                                    named(Some("走访"), &[]),
                                    "{when}，{org}开展{names}[，送去{materials}]，及时给予关心关爱。",
                                ),
                            ],
                        ),
                    ],
                ),
                part(
                    "organization",
                    "夯实基层组织建设 深化改革提振信心",
                    "{period}，{org}围绕妇联组织建设改革，盘活基层妇联组织，巩固深化妇联改革成果，推进基层社会治理，呈现共建共治共享良好格局。",
                    vec![
                        highlight(
                            "grassroots",
                            "优 · 基层妇联组织",
                            vec![
                                section(
                                    "“妇女之家”创建",
                                    Feed::NewVenues {
                                        venue_type: "妇女之家".into(),
                                    },
                                    "持续开展示范“妇女之家”创建，新建妇女之家{count@个}。",
                                ),
                                section(
                                    "新领域妇联组建",
                                    Feed::NewOrgs {
                                        org_type: "新领域妇联".into(),
                                    },
                                    "{period}，全县新成立{count@个}新领域妇联组织[，{names}等相继成立]。",
                                ),
                                section(
                                    "下基层 访妇情",
                                    Feed::Surveys {
                                        org_type: Some("乡镇妇联".into()),
                                    },
                                    "{dates}，对全县{orgs@个}乡镇妇联工作进行调研，发现工作中存在的不足，总结工作中的亮点，指导基层妇联组织规范化建设，提升妇联工作整体水平。",
                                ),
                            ],
                        ),
                        highlight(
                            "capacity",
                            "提 · 妇联干部能力水平",
                            vec![
                                section(
                                    "线下学习增见识",
                                    named(Some("会议"), &["妇联工作会议"]),
                                    "{when}，召开{names}，明确工作任务，强调工作要求。",
                                ),
                                section(
                                    "",
                                    Feed::OfficersTrained,
                                    "{dates}，组织{chairs@名}乡镇、村、新领域妇联主席开展培训，凝聚妇联组织向心力。",
                                ),
                                section(
                                    "线上培训提素质",
                                    Feed::Activities {
                                        programme: None,
                                        kind: Some("培训".into()),
                                        online: Some(true),
                                        name_contains: Vec::new(),
                                    },
                                    "组织妇女干部参与线上课堂学习家庭教育、心理健康、技能提升等课程，促进综合素养提升，全年组织开展{count@期~}。",
                                ),
                            ],
                        ),
                        highlight(
                            "vitality",
                            "激 · 基层社会活力",
                            vec![section(
                                "基层社会治理培训激活力",
                                programme("基层社会治理培训"),
                                "{dates}在全县{orgs@个}乡镇开展基层社会治理工作培训，增强基层妇联干部的法律意识，提升妇联干部参政议政能力。",
                            )],
                        ),
                    ],
                ),
                part(
                    "rights",
                    "依法维护权益 守护妇女儿童",
                    "{period}，{org}深入开展普法宣传，维护妇女儿童合法权益。",
                    vec![highlight(
                        "law",
                        "护 · 妇女儿童权益",
                        vec![section(
                            "普法宣传进万家",
                            named(
                                Some("宣讲"),
                                &["民法典", "反家庭暴力", "家暴", "宪法", "维权", "法律"],
                            ),
                            "{period}，各级妇联开展{names}等法治宣传活动{count@场}。",
                        )],
                    )],
                ),
                part(
                    "economy",
                    "助力创业就业 促进增收致富",
                    "{period}，{org}积极帮助妇女学技能、找门路，拓宽女性增收渠道。",
                    vec![highlight(
                        "employment",
                        "促 · 复工复产保稳定",
                        vec![section(
                            "电商培训助发展",
                            programme("电商培训"),
                            "在{places}等地开展电商培训{count@期}，实现妇女从业创业。",
                        )],
                    )],
                ),
            ],
        }
    }
}
