"""Story-video campaigns: uploads, transcoding, moderation and the public gallery."""
