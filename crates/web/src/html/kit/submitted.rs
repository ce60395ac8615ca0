//! A submitted form as name/value pairs plus the files it carried, whether it
//! came as multipart (a form with photos) or urlencoded (one without): a
//! record's new and edit pages read it the same way and share one write path.

use axum::{
    Form,
    extract::{FromRequest, Multipart, Request, multipart::MultipartError},
    http::{StatusCode, header::CONTENT_TYPE},
};
use db::DbError;
use media::upload::Incoming;

use crate::{error::PageError, form::FormPairs};

/// What a form sent.
pub struct Submitted {
    pub fields: FormPairs,
    /// (field name, file), in the order sent; empty file parts (a file input
    /// left empty) are dropped.
    files: Vec<(String, Incoming)>,
}

/// Why a multipart body could not be read.
pub enum ReadError {
    /// Over the route's body limit.
    TooLarge,
    /// Cut short or malformed.
    Broken,
    /// A text field holding control characters (named).
    Invalid(DbError),
}

impl From<MultipartError> for ReadError {
    fn from(e: MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ReadError::TooLarge
        } else {
            ReadError::Broken
        }
    }
}

impl Submitted {
    /// The files sent under `field`, taken out of the submission.
    pub fn take_files(&mut self, field: &str) -> Vec<Incoming> {
        let (taken, kept) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(f, _)| f == field);
        self.files = kept;
        taken.into_iter().map(|(_, f)| f).collect()
    }

    /// Reads a multipart body: text fields checked for control characters
    /// (the input guard's rule, which multipart bodies escape), files kept
    /// as sent.
    pub async fn read(mut mp: Multipart) -> Result<Submitted, ReadError> {
        let mut fields = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = mp.next_field().await? {
            let name = field.name().unwrap_or_default().to_string();
            if let Some(file_name) = field.file_name().map(String::from) {
                let bytes = field.bytes().await?;
                if !bytes.is_empty() {
                    let name_given = (!file_name.is_empty()).then_some(file_name);
                    files.push((
                        name,
                        Incoming {
                            name: name_given,
                            bytes: bytes.to_vec(),
                        },
                    ));
                }
                continue;
            }
            let text = field.text().await?;
            let text = crate::form::plain_text(&name, text).map_err(ReadError::Invalid)?;
            fields.push((name, text));
        }
        Ok(Submitted {
            fields: FormPairs(fields),
            files,
        })
    }
}

impl<S: Send + Sync> FromRequest<S> for Submitted {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|_| PageError::bad_request("表单内容有误，请返回重试"))?;
            return Ok(Submitted {
                fields: FormPairs(pairs),
                files: Vec::new(),
            });
        }
        let mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| PageError::bad_request("表单内容有误，请返回重试"))?;
        Submitted::read(mp).await.map_err(|e| match e {
            ReadError::TooLarge => PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "上传的文件过大，请重试（照片每张不超过15MB，一次最多9张）",
            ),
            ReadError::Broken => PageError::bad_request("上传中断，请重试"),
            ReadError::Invalid(e) => e.into(),
        })
    }
}
