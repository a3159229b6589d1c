//! Files kept beside the database (spot-check photos, signatures, evidence): in the data
//! directory, or in an S3-compatible bucket that every app instance reads. This module
//! alone names the files and moves their bytes; callers hand it a key such as
//! `photos/<inspection>/<item>.jpg` and get the same bytes back from any instance.
//!
//! The data directory keeps the layout Decorum always had (`DATA_DIR/photos/<id>/<file>`),
//! so a data directory from before this module is read as it is, and a bucket holds the
//! same keys, so moving to one is copying that tree into it.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, RetryConfig,
};
use uuid::Uuid;

use crate::domain::record::InspectionRecord;

/// Where the files go: the configuration's choice.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// Under this directory (the data directory).
    Local(PathBuf),
    /// In an S3-compatible bucket.
    S3(Bucket),
}

/// An S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, moto…).
#[derive(Clone, PartialEq)]
pub struct Bucket {
    pub name: String,
    /// The service's URL (`https://minio.example.com:9000`); none for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// `https://ENDPOINT/BUCKET/KEY` (true) or `https://BUCKET.ENDPOINT/KEY` (false;
    /// with an endpoint, the endpoint then already names the bucket's host).
    pub path_style: bool,
    /// Whether a plain `http://` endpoint is accepted (a service on the same host or
    /// network; the keys and files then travel unencrypted).
    pub allow_http: bool,
}

impl std::fmt::Debug for Bucket {
    /// Everything but the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("name", &self.name)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("path_style", &self.path_style)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// The region when none is configured (what S3-compatible services other than AWS
/// usually accept).
pub const DEFAULT_REGION: &str = "us-east-1";

/// A file could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The key is not one this module hands out (a path, a hidden file, odd characters).
    #[error("`{0}` is not a stored file's name")]
    BadName(String),
    /// The storage refused or could not be reached.
    #[error("file storage: {0}")]
    Storage(String),
}

pub type FilesResult<T> = Result<T, FilesError>;

/// A stored file's bytes and type.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub bytes: Bytes,
    pub content_type: String,
}

/// The file storage every part of the app goes through; cheap to clone.
#[derive(Debug, Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    storage: Storage,
    /// Whether the store keeps a content type with each file (a bucket does; the local
    /// file system does not, so the type comes from the key's extension).
    keeps_types: bool,
    described: Arc<str>,
}

/// Whether `key` is a name this module may store or read: slash-separated parts, each
/// of lower-case letters, digits, `-`, `_` and `.`, none empty or starting with a dot.
/// So never an absolute path, a `..`, a hidden file, or a name that differs by case.
pub fn is_safe_key(key: &str) -> bool {
    key.len() <= 512
        && key.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
                })
        })
}

/// The image types photos are kept in, by the extension Decorum gives them.
const IMAGE_TYPES: [(&str, &str); 3] = [
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
];

/// What an image's first bytes say it is, as (extension, MIME type); the name the
/// device sent does not count.
pub fn sniff_image(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let ext = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "webp"
    } else {
        return None;
    };
    IMAGE_TYPES.iter().copied().find(|(e, _)| *e == ext)
}

/// The MIME type of a key, from its extension (`application/octet-stream` when unknown).
pub fn type_of(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map_or("", |(_, ext)| ext);
    IMAGE_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map_or("application/octet-stream", |(_, t)| t)
}

/// The file name of an item's photo in its spot-check's folder: `<item>.<ext>`.
pub fn photo_file(item: &str, ext: &str) -> String {
    format!("{item}.{ext}")
}

/// The key of a spot-check's photo, given the file name recorded on its response; none
/// when that name is not a photo's (another extension, a path, a hidden file).
pub fn photo_key(inspection: Uuid, file: &str) -> Option<String> {
    let (stem, ext) = file.rsplit_once('.')?;
    let is_image = IMAGE_TYPES.iter().any(|(e, _)| *e == ext);
    let key = format!("photos/{inspection}/{file}");
    (is_image && !stem.is_empty() && !file.contains('/') && is_safe_key(&key)).then_some(key)
}

/// The key of an image an author uploaded for module pages, given its stored name
/// (`<sha256>.<ext>`, see [`crate::domain::training::is_image_file`]); none for any other
/// name.
pub fn module_image_key(file: &str) -> Option<String> {
    crate::domain::training::is_image_file(file).then(|| format!("module-images/{file}"))
}

impl Files {
    /// Whether a file is stored under `key`.
    pub async fn exists(&self, key: &str) -> FilesResult<bool> {
        let path = checked(key)?;
        match self.store.head(&path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(storage_error("look for", key, e)),
        }
    }

    /// The storage the configuration names. The data directory is created if missing;
    /// a bucket is not contacted until the first file is read or written.
    pub fn open(storage: &Storage) -> FilesResult<Files> {
        match storage {
            Storage::Local(dir) => Files::local(dir),
            Storage::S3(bucket) => Files::bucket(bucket),
        }
    }

    fn local(dir: &FsPath) -> FilesResult<Files> {
        std::fs::create_dir_all(dir)
            .map_err(|e| FilesError::Storage(format!("cannot create {}: {e}", dir.display())))?;
        // Written to a temporary name, synced, then renamed: a crash or a power cut
        // never leaves half a file under its real name, and an acknowledged file stays.
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| FilesError::Storage(e.to_string()))?
            .with_fsync(true)
            .with_automatic_cleanup(false);
        Ok(Files {
            store: Arc::new(store),
            storage: Storage::Local(dir.to_path_buf()),
            keeps_types: false,
            described: format!("the directory {}", dir.display()).into(),
        })
    }

    fn bucket(bucket: &Bucket) -> FilesResult<Files> {
        // TLS through rustls with ring (see Cargo.toml); installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&bucket.name)
            .with_region(&bucket.region)
            .with_virtual_hosted_style_request(!bucket.path_style)
            .with_allow_http(bucket.allow_http)
            // A request's own deadline is 30 s (app::REQUEST_TIMEOUT): give up on the
            // bucket well before, with a few quick retries for a passing hiccup.
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(bucket.allow_http)
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(15)),
            )
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &bucket.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = &bucket.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &bucket.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .map_err(|e| FilesError::Storage(format!("bucket `{}`: {e}", bucket.name)))?;
        let at = bucket
            .endpoint
            .as_deref()
            .map_or_else(|| format!("AWS S3 ({})", bucket.region), str::to_string);
        Ok(Files {
            store: Arc::new(store),
            storage: Storage::S3(bucket.clone()),
            keeps_types: true,
            described: format!("the bucket `{}` at {at}", bucket.name).into(),
        })
    }

    /// Where the files are, for messages ("the directory /var/lib/decorum", "the
    /// bucket `decorum` at https://…").
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// How the files are backed up, for `decorum backup`: they are never in a copy of
    /// the database.
    pub fn backup_note(&self) -> String {
        match &self.storage {
            Storage::Local(dir) => format!(
                "photos and signatures are files under {dir} (photos/, …), not in the database copy: archive them too, e.g. `tar -C {dir} --exclude='decorum.db*' -czf decorum-files-$(date +%F).tar.gz .`; restore by unpacking into the data directory",
                dir = dir.display()
            ),
            Storage::S3(bucket) => format!(
                "photos and signatures are in {}, not in the database copy: back the bucket up with the storage's own means (versioning, replication, or a copy such as `aws s3 sync s3://{} DIR`); its keys are the data directory's layout (photos/<spot-check>/<file>), so a copy can be restored into either",
                self.describe(),
                bucket.name
            ),
        }
    }

    /// Store `bytes` under `key` (replacing what was there), as `content_type`.
    pub async fn put(
        &self,
        key: &str,
        bytes: impl Into<Bytes>,
        content_type: &str,
    ) -> FilesResult<()> {
        let path = checked(key)?;
        let mut options = PutOptions::default();
        if self.keeps_types {
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, content_type.to_string().into());
            options.attributes = attributes;
        }
        self.store
            .put_opts(&path, bytes.into().into(), options)
            .await
            .map_err(|e| storage_error("store", key, e))?;
        Ok(())
    }

    /// The file under `key`, or none when there is no such file.
    pub async fn get(&self, key: &str) -> FilesResult<Option<StoredFile>> {
        let path = checked(key)?;
        let found = match self.store.get(&path).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(storage_error("read", key, e)),
        };
        let content_type = found
            .attributes
            .get(&Attribute::ContentType)
            .map(|t| t.to_string())
            .unwrap_or_else(|| type_of(key).to_string());
        let bytes = found
            .bytes()
            .await
            .map_err(|e| storage_error("read", key, e))?;
        Ok(Some(StoredFile {
            bytes,
            content_type,
        }))
    }

    /// The photos a spot-check's responses name, by file name. One that cannot be read
    /// is left out (the report then says it is missing) and logged.
    pub async fn photos_of(&self, record: &InspectionRecord) -> BTreeMap<String, Vec<u8>> {
        let mut photos = BTreeMap::new();
        for file in record.responses.iter().filter_map(|r| r.photo.as_ref()) {
            let Some(key) = photo_key(record.id, file) else {
                continue;
            };
            match self.get(&key).await {
                Ok(Some(found)) => {
                    photos.insert(file.clone(), found.bytes.to_vec());
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "a photo of a report could not be read"),
            }
        }
        photos
    }
}

fn checked(key: &str) -> FilesResult<Path> {
    if !is_safe_key(key) {
        return Err(FilesError::BadName(key.to_string()));
    }
    Path::parse(key).map_err(|_| FilesError::BadName(key.to_string()))
}

fn storage_error(doing: &str, key: &str, e: object_store::Error) -> FilesError {
    FilesError::Storage(format!("cannot {doing} {key}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_never_paths_out_of_the_store() {
        assert!(is_safe_key("photos/0f9c/greeting-bow.jpg"));
        assert!(is_safe_key("signatures/0f9c/inspector_1.png"));
        for bad in [
            "",
            "/etc/passwd",
            "photos/../decorum.db",
            "photos//a.jpg",
            "photos/.a.jpg",
            "photos/A.jpg",
            "photos/a b.jpg",
            "photos/a\\b.jpg",
            "photos/",
        ] {
            assert!(!is_safe_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn photo_names_are_plain_image_names() {
        let id = Uuid::nil();
        assert_eq!(
            photo_key(id, "greeting-bow.jpg").as_deref(),
            Some("photos/00000000-0000-0000-0000-000000000000/greeting-bow.jpg")
        );
        assert_eq!(photo_key(id, "../decorum.db"), None);
        assert_eq!(photo_key(id, "a/b.png"), None);
        assert_eq!(photo_key(id, ".png"), None);
        assert_eq!(photo_key(id, "notes.txt"), None);
        assert_eq!(photo_key(id, ""), None);
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(("jpg", "image/jpeg"))
        );
        assert_eq!(
            sniff_image(b"\x89PNG\r\n\x1a\n...."),
            Some(("png", "image/png"))
        );
        assert_eq!(
            sniff_image(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(("webp", "image/webp"))
        );
        assert_eq!(sniff_image(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff_image(b""), None);
        assert_eq!(type_of("photos/x/a.png"), "image/png");
        assert_eq!(type_of("photos/x/a"), "application/octet-stream");
    }

    #[tokio::test]
    async fn the_data_directory_keeps_its_layout() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::open(&Storage::Local(dir.path().join("data"))).unwrap();
        files
            .put(
                "photos/abc/item-1.jpg",
                vec![0xFF, 0xD8, 0xFF, 1],
                "image/jpeg",
            )
            .await
            .unwrap();
        let on_disk = std::fs::read(dir.path().join("data/photos/abc/item-1.jpg")).unwrap();
        assert_eq!(on_disk, [0xFF, 0xD8, 0xFF, 1]);
        let back = files.get("photos/abc/item-1.jpg").await.unwrap().unwrap();
        assert_eq!(back.bytes.as_ref(), [0xFF, 0xD8, 0xFF, 1]);
        assert_eq!(back.content_type, "image/jpeg");
        assert!(files.get("photos/abc/none.jpg").await.unwrap().is_none());
        assert!(matches!(
            files.get("../x").await,
            Err(FilesError::BadName(_))
        ));
        // Nothing but the file itself is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("data/photos/abc"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["item-1.jpg"]);
    }
}
