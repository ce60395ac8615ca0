//! `jinguo serve`'s options for sessions, login throttling and proxies.

use chrono::Duration;
use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct SecurityArgs {
    /// 会话空闲超时（分钟）(session idle timeout, minutes).
    #[arg(long, value_name = "MIN", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub session_idle_minutes: i64,
    /// 会话最长有效期（小时），无论是否活动 (absolute session lifetime, hours).
    #[arg(long, value_name = "H", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=168))]
    pub session_max_hours: i64,
    /// 同一账号连续登录失败几次后开始延时 (failures of one username before delays).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub login_account_free: i32,
    /// 同一IP连续登录失败几次后开始延时 (failures from one IP before delays).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(i32).range(1..=10000))]
    pub login_ip_free: i32,
    /// 首次延时（秒），之后每次失败翻倍 (first delay, seconds; doubles per failure).
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=3600))]
    pub login_delay_seconds: i64,
    /// 同一账号最长延时（分钟）(longest delay of one username, minutes).
    #[arg(long, value_name = "MIN", default_value_t = 15, value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub login_account_max_minutes: i64,
    /// 同一IP最长延时（分钟）(longest delay of one IP, minutes).
    #[arg(long, value_name = "MIN", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub login_ip_max_minutes: i64,
    /// 与 --trust-proxy 同用：前面还有的受信代理（IP 或 CIDR，可多次）；
    /// X-Forwarded-For 从右往左第一个不在其中的地址即客户端
    /// (further trusted proxies, IP or CIDR, repeatable).
    #[arg(long, value_name = "CIDR")]
    pub trusted_proxy: Vec<String>,
}

impl SecurityArgs {
    pub fn settings(&self) -> anyhow::Result<web::security::Settings> {
        let trusted_proxies = self
            .trusted_proxy
            .iter()
            .map(|s| web::security::Net::parse(s).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<_>>()?;
        Ok(web::security::Settings {
            sessions: db::account::session::SessionPolicy {
                idle: Duration::minutes(self.session_idle_minutes),
                absolute: Duration::hours(self.session_max_hours),
            },
            throttle: db::account::throttle::ThrottlePolicy {
                account_free: self.login_account_free,
                ip_free: self.login_ip_free,
                base: Duration::seconds(self.login_delay_seconds),
                account_max: Duration::minutes(self.login_account_max_minutes),
                ip_max: Duration::minutes(self.login_ip_max_minutes),
                ..Default::default()
            },
            trusted_proxies,
        })
    }
}
