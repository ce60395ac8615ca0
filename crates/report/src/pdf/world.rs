//! A minimal `typst::World`: one main source, a handful of virtual files
//! (the review as JSON, photos, chart SVGs) and the bundled fonts. Nothing is
//! read from disk and no package is ever downloaded: an `@preview/…` import
//! fails with a file error, which is what we want on an offline intranet.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts;

/// Fonts and the standard library are the same for every render: parse them
/// once per process (the CJK font's tables take a moment to read).
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = [fonts::REGULAR, fonts::BOLD]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

pub struct ReviewWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

/// The file id of an absolute path inside the (virtual) project.
pub fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("虚拟路径 {path} 无效：{e:?}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ReviewWorld {
    pub fn new(main_text: &str, files: Vec<(String, Vec<u8>)>) -> Result<Self, String> {
        let main = Source::new(file_id("/main.typ")?, main_text.to_owned());
        let mut map = HashMap::with_capacity(files.len());
        for (path, bytes) in files {
            map.insert(file_id(&path)?, Bytes::new(bytes));
        }
        Ok(Self { main, files: map })
    }
}

impl World for ReviewWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    /// No dates from the clock: the same review renders to the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
