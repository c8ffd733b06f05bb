//! From hourly station readings to reported values: NowCast, rolling means and the daily AQI.

pub mod by_station;
pub mod daily;
pub mod grid;
pub mod nowcast;
pub mod prepare;
pub mod rolling;
pub mod series;
pub mod stations;
pub mod stream;
pub mod zone;

pub use daily::daily;
pub use nowcast::nowcast;
pub use prepare::HourlyOptions;
pub use rolling::rolling;
pub use series::Duplicates;
