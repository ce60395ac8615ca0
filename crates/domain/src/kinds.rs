//! Enumerations stored in the database as English snake_case codes and shown
//! (and imported from spreadsheets) by their Chinese labels.

/// Declares a fieldless enum whose variants carry a stable code and a Chinese
/// label, plus optional extra labels accepted on import.
///
/// Generates `code()`, `label()`, `from_code()`, `from_label()` (trims input and
/// accepts the aliases), `ALL`, `Display` (= label), `Serialize` (= code) and
/// `Deserialize` (code, or label as a fallback).
///
/// ```
/// domain::labelled_enum! {
///     /// Example.
///     pub enum Colour {
///         /// Red.
///         Red("red", "红色", "红"),
///         /// Blue.
///         Blue("blue", "蓝色"),
///     }
/// }
/// assert_eq!(Colour::from_label(" 红 "), Some(Colour::Red));
/// assert_eq!(Colour::Blue.to_string(), "蓝色");
/// ```
#[macro_export]
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident ( $code:literal, $label:literal $(, $alias:literal)* $(,)? )
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stable English code, as stored in the database.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// Chinese label, as shown to users.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            /// Looks a variant up by its database code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// Looks a variant up by its Chinese label (or an accepted alias);
            /// surrounding whitespace is ignored.
            pub fn from_label(label: &str) -> Option<Self> {
                match label.trim() {
                    $($label $(| $alias)* => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::input::Labelled for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn code(self) -> &'static str { $name::code(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn from_code(code: &str) -> Option<Self> { $name::from_code(code) }
            fn from_label(label: &str) -> Option<Self> { $name::from_label(label) }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <::std::string::String as $crate::__serde::Deserialize>::deserialize(d)?;
                Self::from_code(&text)
                    .or_else(|| Self::from_label(&text))
                    .ok_or_else(|| {
                        <D::Error as $crate::__serde::de::Error>::custom(
                            ::std::format!("未知的取值：{}", text),
                        )
                    })
            }
        }
    };
}

labelled_enum! {
    /// Type of a 妇联 organisation (each has a parent organisation).
    pub enum OrgKind {
        /// 县妇联
        County("county", "县妇联"),
        /// 乡镇妇联
        Township("township", "乡镇妇联"),
        /// 街道妇联
        Subdistrict("subdistrict", "街道妇联"),
        /// 村妇联
        Village("village", "村妇联"),
        /// 社区妇联
        Community("community", "社区妇联"),
        /// 新领域妇联 (enterprises, parks, service centres…)
        NewField("new_field", "新领域妇联"),
        /// 机关事业单位妇委会
        Institution("institution", "机关事业单位妇委会"),
        /// 团体会员
        GroupMember("group_member", "团体会员"),
    }
}

impl OrgKind {
    /// Territorial organisations follow the administrative divisions and are
    /// identified by a 12-digit 统计用区划代码.
    pub fn is_territorial(self) -> bool {
        matches!(
            self,
            OrgKind::County
                | OrgKind::Township
                | OrgKind::Subdistrict
                | OrgKind::Village
                | OrgKind::Community
        )
    }
}

labelled_enum! {
    /// Sub-type of a 新领域妇联 ("两新/三新/四新").
    pub enum NewFieldType {
        /// 非公企业
        PrivateEnterprise("private_enterprise", "非公企业"),
        /// 社会组织
        SocialOrg("social_org", "社会组织"),
        /// 园区
        Park("park", "园区"),
        /// 商务楼宇
        OfficeBuilding("office_building", "商务楼宇"),
        /// 专业市场
        Market("market", "专业市场"),
        /// 农民专业合作社
        Cooperative("cooperative", "农民专业合作社"),
        /// 行业协会
        Association("association", "行业协会"),
        /// 新就业群体
        NewEmployment("new_employment", "新就业群体"),
        /// 服务中心 (e.g. 在宜农民工服务中心)
        ServiceCentre("service_centre", "服务中心"),
        /// 其他
        Other("other", "其他"),
    }
}

labelled_enum! {
    /// Kind of venue (阵地) run by an organisation.
    pub enum VenueKind {
        /// 妇女之家
        WomensHome("womens_home", "妇女之家"),
        /// 儿童之家
        ChildrensHome("childrens_home", "儿童之家"),
        /// 妇女微家
        WomensMicroHome("womens_micro_home", "妇女微家"),
    }
}

labelled_enum! {
    /// Rating of a venue.
    pub enum VenueRating {
        /// 一般
        Ordinary("ordinary", "一般"),
        /// 标准化
        Standard("standard", "标准化"),
        /// 示范
        Model("model", "示范"),
    }
}

labelled_enum! {
    /// Administrative level of an honour, a repost or an upper body.
    pub enum Level {
        /// 国家
        National("national", "国家", "国家级", "全国"),
        /// 省
        Province("province", "省", "省级"),
        /// 市
        City("city", "市", "市级"),
        /// 县
        County("county", "县", "县级"),
    }
}

labelled_enum! {
    /// Post held in an organisation's leadership.
    pub enum Post {
        /// 主席
        Chair("chair", "主席"),
        /// 副主席
        ViceChair("vice_chair", "副主席"),
        /// 执委
        ExecutiveMember("executive", "执委"),
        /// 委员
        Member("member", "委员"),
    }
}

labelled_enum! {
    /// How a post is held (专兼挂).
    pub enum Tenure {
        /// 专职
        FullTime("full_time", "专职"),
        /// 兼职
        PartTime("part_time", "兼职"),
        /// 挂职
        Seconded("seconded", "挂职"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip_for_every_variant() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::from_code(k.code()), Some(*k));
            assert_eq!(OrgKind::from_label(k.label()), Some(*k));
        }
        for t in NewFieldType::ALL {
            assert_eq!(NewFieldType::from_code(t.code()), Some(*t));
        }
        assert_eq!(NewFieldType::ALL.len(), 10);
    }

    #[test]
    fn from_label_trims_and_rejects_unknown_text() {
        assert_eq!(OrgKind::from_label("  村妇联 "), Some(OrgKind::Village));
        assert_eq!(OrgKind::from_label("村委会"), None);
        assert_eq!(OrgKind::from_code("Village"), None);
    }

    #[test]
    fn level_accepts_ji_suffixed_aliases() {
        assert_eq!(Level::from_label("县级"), Some(Level::County));
        assert_eq!(Level::from_label("国家级"), Some(Level::National));
        assert_eq!(Level::from_label("省"), Some(Level::Province));
        assert_eq!(Level::from_label("市级"), Some(Level::City));
    }

    #[test]
    fn display_is_label_and_serde_uses_code() {
        assert_eq!(Post::ExecutiveMember.to_string(), "执委");
        assert_eq!(Post::ExecutiveMember.code(), "executive");
        assert_eq!(
            serde_json::to_string(&VenueKind::WomensMicroHome)
                .ok()
                .as_deref(),
            Some("\"womens_micro_home\"")
        );
        let back: Result<Tenure, _> = serde_json::from_str("\"part_time\"");
        assert_eq!(back.ok(), Some(Tenure::PartTime));
        let bad: Result<Tenure, _> = serde_json::from_str("\"hourly\"");
        assert!(bad.is_err());
    }

    #[test]
    fn only_the_five_division_based_kinds_are_territorial() {
        let territorial: Vec<_> = OrgKind::ALL.iter().filter(|k| k.is_territorial()).collect();
        assert_eq!(territorial.len(), 5);
        assert!(!OrgKind::NewField.is_territorial());
        assert!(OrgKind::Community.is_territorial());
    }
}
