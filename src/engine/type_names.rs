//! Arrow types named as pyarrow prints them (`str(pa_type)`): every message that names a type
//! goes through `pyarrow_name`, so users read `string` and `timestamp[us, tz=UTC]`, not
//! arrow-rs's `Utf8` and `Timestamp(µs, "UTC")`.

use arrow_schema::{DataType, Field, IntervalUnit, TimeUnit, UnionMode};

/// The type as `str()` of the matching pyarrow type prints it.
///
/// A dictionary prints `ordered=0`: whether it is ordered is part of its field, not its type.
/// Field metadata (extension types included) is not shown, as pyarrow does not show it.
pub fn pyarrow_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Null => "null".into(),
        DataType::Boolean => "bool".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Float16 => "halffloat".into(),
        DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Timestamp(unit, tz) => match tz.as_deref() {
            Some(tz) if !tz.is_empty() => format!("timestamp[{}, tz={tz}]", unit_name(*unit)),
            _ => format!("timestamp[{}]", unit_name(*unit)),
        },
        DataType::Date32 => "date32[day]".into(),
        DataType::Date64 => "date64[ms]".into(),
        DataType::Time32(unit) => format!("time32[{}]", unit_name(*unit)),
        DataType::Time64(unit) => format!("time64[{}]", unit_name(*unit)),
        DataType::Duration(unit) => format!("duration[{}]", unit_name(*unit)),
        DataType::Interval(IntervalUnit::YearMonth) => "month_interval".into(),
        DataType::Interval(IntervalUnit::DayTime) => "day_time_interval".into(),
        DataType::Interval(IntervalUnit::MonthDayNano) => "month_day_nano_interval".into(),
        DataType::Binary => "binary".into(),
        DataType::LargeBinary => "large_binary".into(),
        DataType::BinaryView => "binary_view".into(),
        DataType::FixedSizeBinary(width) => format!("fixed_size_binary[{width}]"),
        DataType::Utf8 => "string".into(),
        DataType::LargeUtf8 => "large_string".into(),
        DataType::Utf8View => "string_view".into(),
        DataType::List(item) => format!("list<{}>", field(item)),
        DataType::LargeList(item) => format!("large_list<{}>", field(item)),
        DataType::ListView(item) => format!("list_view<{}>", field(item)),
        DataType::LargeListView(item) => format!("large_list_view<{}>", field(item)),
        DataType::FixedSizeList(item, size) => format!("fixed_size_list<{}>[{size}]", field(item)),
        DataType::Struct(fields) => {
            format!("struct<{}>", fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(", "))
        }
        DataType::Union(fields, mode) => {
            let children: Vec<String> =
                fields.iter().map(|(code, f)| format!("{}={code}", field(f))).collect();
            let mode = match mode {
                UnionMode::Sparse => "sparse",
                UnionMode::Dense => "dense",
            };
            format!("{mode}_union<{}>", children.join(", "))
        }
        DataType::Dictionary(indices, values) => format!(
            "dictionary<values={}, indices={}, ordered=0>",
            pyarrow_name(values),
            pyarrow_name(indices)
        ),
        DataType::Decimal32(precision, scale) => format!("decimal32({precision}, {scale})"),
        DataType::Decimal64(precision, scale) => format!("decimal64({precision}, {scale})"),
        DataType::Decimal128(precision, scale) => format!("decimal128({precision}, {scale})"),
        DataType::Decimal256(precision, scale) => format!("decimal256({precision}, {scale})"),
        DataType::Map(entries, sorted) => map_name(entries, *sorted),
        DataType::RunEndEncoded(run_ends, values) => format!(
            "run_end_encoded<run_ends: {}, values: {}>",
            pyarrow_name(run_ends.data_type()),
            pyarrow_name(values.data_type())
        ),
    }
}

fn unit_name(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

/// A child field as pyarrow prints it inside a nested type: `name: type`, `not null` when it
/// cannot be null.
fn field(f: &Field) -> String {
    let not_null = if f.is_nullable() { "" } else { " not null" };
    format!("{}: {}{not_null}", f.name(), pyarrow_name(f.data_type()))
}

/// `map<key, item>`: names are shown only where they differ from Arrow's `key`, `value` and
/// `entries`, as pyarrow does.
fn map_name(entries: &Field, sorted: bool) -> String {
    let named = |f: &Field, usual: &str| {
        if f.name() == usual {
            String::new()
        } else {
            format!(" ('{}')", f.name())
        }
    };
    let typed = |f: &Field, usual: &str| format!("{}{}", pyarrow_name(f.data_type()), named(f, usual));
    let (key, item) = match entries.data_type() {
        DataType::Struct(children) if children.len() == 2 => {
            (typed(&children[0], "key"), typed(&children[1], "value"))
        }
        other => return format!("map<{}>", pyarrow_name(other)), // not a valid map: show what it holds
    };
    let sorted = if sorted { ", keys_sorted" } else { "" };
    format!("map<{key}, {item}{sorted}{}>", named(entries, "entries"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_schema::{Fields, UnionFields};

    use super::*;

    fn item(data_type: DataType) -> Arc<Field> {
        Arc::new(Field::new("item", data_type, true))
    }

    #[test]
    fn flat_types() {
        let cases = [
            (DataType::Null, "null"),
            (DataType::Boolean, "bool"),
            (DataType::Int64, "int64"),
            (DataType::UInt8, "uint8"),
            (DataType::Float16, "halffloat"),
            (DataType::Float32, "float"),
            (DataType::Float64, "double"),
            (DataType::Utf8, "string"),
            (DataType::LargeUtf8, "large_string"),
            (DataType::Utf8View, "string_view"),
            (DataType::Binary, "binary"),
            (DataType::LargeBinary, "large_binary"),
            (DataType::BinaryView, "binary_view"),
            (DataType::FixedSizeBinary(4), "fixed_size_binary[4]"),
            (DataType::Date32, "date32[day]"),
            (DataType::Date64, "date64[ms]"),
            (DataType::Time32(TimeUnit::Millisecond), "time32[ms]"),
            (DataType::Time64(TimeUnit::Nanosecond), "time64[ns]"),
            (DataType::Duration(TimeUnit::Second), "duration[s]"),
            (DataType::Interval(IntervalUnit::MonthDayNano), "month_day_nano_interval"),
            (DataType::Interval(IntervalUnit::YearMonth), "month_interval"),
            (DataType::Decimal128(10, 2), "decimal128(10, 2)"),
            (DataType::Decimal256(40, -3), "decimal256(40, -3)"),
            (DataType::Decimal32(5, 2), "decimal32(5, 2)"),
            (DataType::Decimal64(12, 0), "decimal64(12, 0)"),
        ];
        for (data_type, name) in cases {
            assert_eq!(pyarrow_name(&data_type), name, "{data_type:?}");
        }
    }

    #[test]
    fn timestamps_show_unit_and_zone() {
        let utc = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        assert_eq!(pyarrow_name(&utc), "timestamp[us, tz=UTC]");
        let offset = DataType::Timestamp(TimeUnit::Second, Some("+08:00".into()));
        assert_eq!(pyarrow_name(&offset), "timestamp[s, tz=+08:00]");
        assert_eq!(pyarrow_name(&DataType::Timestamp(TimeUnit::Nanosecond, None)), "timestamp[ns]");
        // An empty zone is no zone (Arrow C++ and pyarrow treat it so).
        let empty = DataType::Timestamp(TimeUnit::Millisecond, Some("".into()));
        assert_eq!(pyarrow_name(&empty), "timestamp[ms]");
    }

    #[test]
    fn nested_types_name_their_children() {
        assert_eq!(pyarrow_name(&DataType::List(item(DataType::Float64))), "list<item: double>");
        let x = Arc::new(Field::new("x", DataType::Float64, false));
        assert_eq!(pyarrow_name(&DataType::List(x)), "list<x: double not null>");
        assert_eq!(pyarrow_name(&DataType::LargeList(item(DataType::Int8))), "large_list<item: int8>");
        assert_eq!(pyarrow_name(&DataType::ListView(item(DataType::Int8))), "list_view<item: int8>");
        assert_eq!(
            pyarrow_name(&DataType::LargeListView(item(DataType::Int8))),
            "large_list_view<item: int8>"
        );
        assert_eq!(
            pyarrow_name(&DataType::FixedSizeList(item(DataType::Int8), 3)),
            "fixed_size_list<item: int8>[3]"
        );
        let fields = Fields::from(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Utf8, false),
        ]);
        assert_eq!(pyarrow_name(&DataType::Struct(fields.clone())), "struct<a: int64, b: string not null>");
        assert_eq!(pyarrow_name(&DataType::Struct(Fields::empty())), "struct<>");
        let inner = DataType::Struct(Fields::from(vec![Field::new("b", DataType::Int8, true)]));
        let outer = DataType::Struct(Fields::from(vec![Field::new("a", DataType::List(item(inner)), true)]));
        assert_eq!(pyarrow_name(&outer), "struct<a: list<item: struct<b: int8>>>");
        let sparse =
            UnionFields::try_new(vec![0, 1], fields.iter().map(|f| f.as_ref().clone().with_nullable(true)))
                .unwrap();
        assert_eq!(
            pyarrow_name(&DataType::Union(sparse, UnionMode::Sparse)),
            "sparse_union<a: int64=0, b: string=1>"
        );
        let dense = UnionFields::try_new(vec![5], vec![Field::new("a", DataType::Int64, true)]).unwrap();
        assert_eq!(pyarrow_name(&DataType::Union(dense, UnionMode::Dense)), "dense_union<a: int64=5>");
    }

    #[test]
    fn dictionaries_maps_and_run_ends() {
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert_eq!(pyarrow_name(&dict), "dictionary<values=string, indices=int32, ordered=0>");
        let listed =
            DataType::List(item(DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8))));
        assert_eq!(pyarrow_name(&listed), "list<item: dictionary<values=string, indices=int8, ordered=0>>");
        let entries = |key: &str, value: &str, name: &str| {
            let kv = Fields::from(vec![
                Field::new(key, DataType::Utf8, false),
                Field::new(value, DataType::Int64, true),
            ]);
            Arc::new(Field::new(name, DataType::Struct(kv), false))
        };
        assert_eq!(
            pyarrow_name(&DataType::Map(entries("key", "value", "entries"), false)),
            "map<string, int64>"
        );
        assert_eq!(
            pyarrow_name(&DataType::Map(entries("key", "value", "entries"), true)),
            "map<string, int64, keys_sorted>"
        );
        assert_eq!(
            pyarrow_name(&DataType::Map(entries("k", "v", "entries"), false)),
            "map<string ('k'), int64 ('v')>"
        );
        let ree = DataType::RunEndEncoded(
            Arc::new(Field::new("run_ends", DataType::Int32, false)),
            Arc::new(Field::new("values", DataType::Float64, true)),
        );
        assert_eq!(pyarrow_name(&ree), "run_end_encoded<run_ends: int32, values: double>");
    }
}
