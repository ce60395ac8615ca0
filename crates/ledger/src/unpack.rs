//! Counting what a file really unpacks to, before any parser sees it.
//!
//! Every zip entry (an .xlsx is a zip) and every plain CSV is first inflated
//! once into a small buffer that is thrown away: the real bytes are counted
//! against the caps of [`Limits`], the compression ratio is checked, XML
//! parts are checked for an over-long text node or tag (which the XML parser
//! would have to buffer whole), a CSV is checked for UTF-8, and the
//! `uniqueCount` that `sharedStrings.xml` declares is checked against its real
//! size (calamine reserves that many strings up front). Nothing of the data
//! is kept, so this pass costs 64 KB whatever the file claims.

use std::io::{Read, Seek, SeekFrom};

use crate::limits::{Limits, RATIO_FLOOR, bytes_text};
use crate::read::ReadError;

/// What one import has used so far, across all its files.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    /// Cells kept in memory.
    pub cells: usize,
    /// Bytes of kept cell text.
    pub text: usize,
    /// Bytes unpacked (zip entries and plain CSV files).
    pub unpacked: u64,
    /// Bytes of photos kept in memory.
    pub attachments: u64,
}

/// What kind of part is being scanned, which decides the extra checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// An XML part of a workbook.
    Xml,
    /// `xl/sharedStrings.xml`.
    SharedStrings,
    /// A CSV sheet (its encoding is detected).
    Csv,
    /// Anything else (photos, embedded objects): only counted.
    Opaque,
}

/// The result of a scan.
#[derive(Debug)]
pub(crate) struct Scanned {
    /// True when the whole content is valid UTF-8 (after an optional BOM).
    pub utf8: bool,
    /// True when the content starts like a zip (`PK\3\4`).
    pub zip_magic: bool,
}

/// Inflates `src` to nowhere, enforcing the caps. `label` names the part in
/// messages (e.g. `台账.zip 中的「活动.csv」`); `packed` is the entry's
/// compressed size for the ratio check (`None` for a plain file).
pub(crate) fn scan(
    mut src: impl Read,
    label: &str,
    part: Part,
    packed: Option<u64>,
    limits: &Limits,
    used: &mut Usage,
) -> Result<Scanned, ReadError> {
    let (cap, cap_name) = match part {
        Part::SharedStrings => (
            limits.max_shared_strings_bytes.min(limits.max_entry_bytes),
            "共享字符串表（sharedStrings.xml）解压后大小",
        ),
        _ => (limits.max_entry_bytes, "单个文件解压后大小"),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    let mut utf8 = Utf8Check::default();
    let mut run = 0u64;
    let mut head: Vec<u8> = Vec::new();
    loop {
        let n = src.read(&mut buf).map_err(|e| {
            ReadError::unreadable(label, format!("解压失败，文件可能已损坏（{e}）"))
        })?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        bytes += n as u64;
        used.unpacked += n as u64;
        if bytes > cap {
            return Err(ReadError::limit(
                label,
                cap_name,
                bytes_text(cap),
                format!("超过 {}（读到此处即停止）", bytes_text(bytes)),
            ));
        }
        if used.unpacked > limits.max_total_bytes {
            return Err(ReadError::limit(
                label,
                "一次导入解压后的总大小",
                bytes_text(limits.max_total_bytes),
                format!("超过 {}（读到此处即停止）", bytes_text(used.unpacked)),
            ));
        }
        if let Some(packed) = packed
            && bytes > RATIO_FLOOR
            && bytes > packed.max(1).saturating_mul(limits.max_ratio)
        {
            return Err(ReadError::limit(
                label,
                "压缩比",
                format!("{}:1", limits.max_ratio),
                format!(
                    "至少 {}:1（{} 压缩数据已解出 {}）",
                    bytes / packed.max(1),
                    bytes_text(packed),
                    bytes_text(bytes)
                ),
            ));
        }
        if head.len() < 64 * 1024 {
            let take = (64 * 1024 - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
        }
        match part {
            Part::Csv => utf8.feed(chunk),
            Part::Xml | Part::SharedStrings => {
                // The longest stretch without '<' is the longest text node or tag.
                for (i, seg) in chunk.split(|&b| b == b'<').enumerate() {
                    run = if i == 0 {
                        run + seg.len() as u64
                    } else {
                        seg.len() as u64
                    };
                    if run > limits.max_xml_run() {
                        return Err(ReadError::limit(
                            label,
                            "单个单元格的字符数",
                            limits.max_cell_chars.to_string(),
                            format!("一段文字超过 {}", bytes_text(run)),
                        ));
                    }
                }
            }
            Part::Opaque => {}
        }
    }
    if part == Part::SharedStrings {
        check_unique_count(&head, bytes, label)?;
    }
    Ok(Scanned {
        utf8: part == Part::Csv && utf8.finish(),
        zip_magic: head.starts_with(b"PK\x03\x04"),
    })
}

/// The largest entry count that a zip's end records declare. The zip reader
/// sizes and fills its table from that declaration (≈ 200 bytes per entry:
/// 600,000 empty entries in a 52 MB upload cost 110 MB before any cap could
/// count them), so it is checked first, on every record that could be the
/// real one: an end-of-central-directory record whose comment runs exactly
/// to the end of the file, and the zip64 record it points to.
pub(crate) fn declared_entries<R: Read + Seek>(src: &mut R) -> std::io::Result<u64> {
    let len = src.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    src.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    src.read_exact(&mut tail)?;
    let mut most = 0u64;
    for at in (0..tail.len().saturating_sub(21)).rev() {
        if tail[at..at + 4] != *b"PK\x05\x06" {
            continue;
        }
        let le16 = |o: usize| u64::from(u16::from_le_bytes([tail[at + o], tail[at + o + 1]]));
        if at + 22 + le16(20) as usize != tail.len() {
            continue;
        }
        most = most.max(le16(8)).max(le16(10));
        // A zip64 locator sits just before: it points to the zip64 record.
        if at >= 20 && tail[at - 20..at - 16] == *b"PK\x06\x07" {
            let off = u64::from_le_bytes(tail[at - 12..at - 4].try_into().unwrap_or_default());
            let mut rec = [0u8; 40];
            if off.checked_add(40).is_some_and(|e| e <= len) {
                src.seek(SeekFrom::Start(off))?;
                src.read_exact(&mut rec)?;
                if rec[..4] == *b"PK\x06\x06" {
                    let n = u64::from_le_bytes(rec[32..40].try_into().unwrap_or_default());
                    most = most.max(n);
                }
            }
        }
    }
    src.seek(SeekFrom::Start(0))?;
    Ok(most)
}

/// Refuses a zip whose end records declare more than `max_entries` entries.
pub(crate) fn check_declared_entries<R: Read + Seek>(
    src: &mut R,
    label: &str,
    limits: &Limits,
) -> Result<(), ReadError> {
    let n = declared_entries(src)
        .map_err(|e| ReadError::unreadable(label, format!("读取失败（{e}）")))?;
    if n > limits.max_entries as u64 {
        return Err(ReadError::limit(
            label,
            "压缩包中的文件个数",
            limits.max_entries.to_string(),
            format!("声明了 {n} 个"),
        ));
    }
    Ok(())
}

/// calamine reserves room for `uniqueCount` strings before reading one; each
/// `<si></si>` takes at least 9 bytes, so a claim beyond size ÷ 9 is a lie.
fn check_unique_count(head: &[u8], bytes: u64, label: &str) -> Result<(), ReadError> {
    let text = String::from_utf8_lossy(head);
    let Some(sst) = text.find("sst") else {
        return Ok(());
    };
    let tag_end = text[sst..].find('>').map(|e| sst + e);
    let Some(tag_end) = tag_end else {
        return Err(ReadError::unreadable(label, "共享字符串表格式错误"));
    };
    let tag = &text[sst..tag_end];
    let Some(at) = tag.find("uniqueCount=") else {
        return Ok(());
    };
    let digits: String = tag[at + "uniqueCount=".len()..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let claimed: u64 = digits.parse().unwrap_or(u64::MAX);
    let possible = bytes / 9 + 1;
    if claimed > possible {
        return Err(ReadError::limit(
            label,
            "共享字符串表声明的字符串个数",
            format!("按其实际大小最多 {possible} 个"),
            format!("声明了 {claimed} 个"),
        ));
    }
    Ok(())
}

/// Streaming UTF-8 validation; a sequence split between chunks is carried over.
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    started: bool,
    bad: bool,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if self.bad {
            return;
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        let mut slice = &data[..];
        if !self.started {
            if slice.len() < 3 && b"\xEF\xBB\xBF".starts_with(slice) {
                self.carry = data;
                return;
            }
            slice = slice.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(slice);
            self.started = true;
        }
        match std::str::from_utf8(slice) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.carry = slice[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.bad = true,
        }
    }

    fn finish(self) -> bool {
        !self.bad && self.carry.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_chunks_is_still_utf8() {
        let s = "妇联".as_bytes();
        let mut c = Utf8Check::default();
        c.feed(&s[..2]);
        c.feed(&s[2..]);
        assert!(c.finish());
        let mut c = Utf8Check::default();
        c.feed(b"\xd0\xd5");
        assert!(!c.finish());
    }

    #[test]
    fn the_declared_entry_count_is_read_from_the_end_record() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..3 {
            w.start_file(format!("{i}.csv"), zip::write::SimpleFileOptions::default())
                .unwrap();
        }
        w.set_comment("有注释").unwrap();
        let mut c = w.finish().unwrap();
        assert_eq!(declared_entries(&mut c).unwrap(), 3);
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let e = check_declared_entries(&mut c, "a.zip", &limits).unwrap_err();
        assert!(e.to_string().contains("声明了 3 个"), "{e}");
    }

    #[test]
    fn a_lying_unique_count_is_refused() {
        let xml = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="99999999999"><si><t>a</t></si></sst>"#;
        let mut used = Usage::default();
        let e = scan(
            &xml[..],
            "a.xlsx",
            Part::SharedStrings,
            None,
            &Limits::default(),
            &mut used,
        )
        .unwrap_err();
        assert!(e.to_string().contains("99999999999"), "{e}");
    }
}
