namespace Portal.Webhooks;

internal enum StoreResult
{
    /// <summary>Committed as a new row.</summary>
    Stored,

    /// <summary>A row with the same body already exists; nothing new was written.</summary>
    Duplicate,

    /// <summary>Could not be stored now (storage failing, queue full, shutting down): Sentry should retry.</summary>
    Unavailable,
}

/// <summary>What became of one delivery; <paramref name="Id"/> is its row id when <see cref="StoreResult.Stored"/>.</summary>
internal readonly record struct StoreOutcome(StoreResult Result, long? Id = null)
{
    public static readonly StoreOutcome Duplicate = new(StoreResult.Duplicate);
    public static readonly StoreOutcome Unavailable = new(StoreResult.Unavailable);
}
