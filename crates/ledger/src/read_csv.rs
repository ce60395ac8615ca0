//! CSV sheets: encoding detection and streaming parsing.
//!
//! The text is never held whole. `csv_core` hands over one field at a time
//! into a buffer just large enough for the longest allowed cell, so a
//! 900 MB line of commas costs that buffer and one row of at most
//! `max_cols` cells before it is refused (the `csv` crate would have built
//! the whole record, 8 bytes of bookkeeping per comma).

use std::io::Read;

use csv_core::{ReadFieldResult, Reader as CsvCore};

use crate::assemble::Assembler;
use crate::limits::Limits;
use crate::model::{Cell, Sheet};
use crate::read::ReadError;
use crate::unpack::Usage;

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, otherwise GB18030,
/// which covers GBK/GB2312 as saved by Chinese Excel and WPS.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            text.into_owned()
        }
    }
}

/// Parses one CSV stream into a sheet named `sheet_name`. `utf8` comes from
/// the scan pass; otherwise the bytes are decoded as GB18030 on the fly.
pub(crate) fn parse_csv(
    label: &str,
    sheet_name: &str,
    src: impl Read,
    utf8: bool,
    limits: &Limits,
    used: &mut Usage,
) -> Result<Sheet, ReadError> {
    let mut input: Box<dyn Read + '_> = if utf8 {
        Box::new(src)
    } else {
        Box::new(Gb18030Reader::new(src))
    };
    let mut asm = Assembler::new(label.to_string(), limits);
    let mut core = CsvCore::new();
    let mut inbuf = vec![0u8; 64 * 1024];
    let (mut start, mut end, mut eof) = (0usize, 0usize, false);
    // One field at most: the cell cap in UTF-8 bytes, plus one to notice more.
    let mut field = vec![0u8; limits.max_cell_chars * 4 + 1];
    let mut flen = 0usize;
    let (mut row, mut col) = (0usize, 0usize);
    loop {
        if start == end && !eof {
            end = input.read(&mut inbuf).map_err(|e| {
                ReadError::unreadable(label, format!("读取失败，文件可能已损坏（{e}）"))
            })?;
            start = 0;
            eof = end == 0;
        }
        let (res, nin, nout) = core.read_field(&inbuf[start..end], &mut field[flen..]);
        start += nin;
        flen += nout;
        match res {
            ReadFieldResult::InputEmpty => {
                if eof {
                    // csv_core ends with `End` on empty input; never spin.
                    break;
                }
            }
            ReadFieldResult::OutputFull => {
                return Err(ReadError::limit(
                    label,
                    "单个单元格的字符数",
                    limits.max_cell_chars.to_string(),
                    format!("第 {} 行第 {} 列超过 {} 字节", row + 1, col + 1, flen),
                ));
            }
            ReadFieldResult::Field { record_end } => {
                let text = String::from_utf8_lossy(&field[..flen]);
                asm.push(row, col, Cell::text(&text), used)?;
                flen = 0;
                col += 1;
                if record_end {
                    row += 1;
                    col = 0;
                }
            }
            ReadFieldResult::End => break,
        }
    }
    Ok(asm.finish(sheet_name, false))
}

/// Decodes GB18030 to UTF-8 as it is read.
struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Gb18030Reader<R> {
    fn new(inner: R) -> Self {
        Gb18030Reader {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            raw: vec![0u8; 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.done || out.len() < 4 {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.end = self.inner.read(&mut self.raw)?;
                self.start = 0;
                self.eof = self.end == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[self.start..self.end], out, self.eof);
            self.start += read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
            if written > 0 || self.done {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Sheet, ReadError> {
        let utf8 = std::str::from_utf8(bytes).is_ok();
        parse_csv(
            "a.csv",
            "a",
            bytes,
            utf8,
            &Limits::default(),
            &mut Usage::default(),
        )
    }

    #[test]
    fn invalid_utf8_is_decoded_as_gb18030() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("妇联");
        assert_eq!(decode_text(&gbk), "妇联");
        assert_eq!(decode_text("\u{feff}妇联".as_bytes()), "妇联");
        let (csv, _, _) = encoding_rs::GB18030.encode("姓名,标签\n王芳,低保\n");
        let s = parse(&csv).unwrap();
        assert_eq!(s.headers, ["姓名", "标签"]);
        assert_eq!(s.rows[0].cells[1], Cell::text("低保"));
    }

    #[test]
    fn ragged_rows_and_blank_cells_read_as_empty() {
        let s = parse("\u{feff}x,y,z\n1,,\n2\n,,\n\"a\nb\",c\n".as_bytes()).unwrap();
        assert_eq!(s.headers, ["x", "y", "z"]);
        assert_eq!(s.rows.len(), 3, "empty row dropped");
        assert_eq!(s.rows[0].cells, vec![Cell::Text("1".into())]);
        assert_eq!(s.rows[1].line, 3);
        assert_eq!(s.rows[2].line, 5);
        assert_eq!(s.rows[2].cells[0], Cell::text("a\nb"));
    }

    #[test]
    fn a_line_of_commas_is_refused_at_the_column_cap() {
        let line = ",".repeat(1_000_000);
        let e = parse(format!("a\n{line}x\n").as_bytes()).unwrap_err();
        assert!(e.to_string().contains("每个工作表的列数"), "{e}");
    }
}
