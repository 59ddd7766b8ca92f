namespace FastMail.Storage.Recovery;

/// <summary>What a replay read: records applied, and log bytes skipped because a record in them was damaged.</summary>
internal readonly record struct ReplayResult(long Records, long DroppedBytes);
