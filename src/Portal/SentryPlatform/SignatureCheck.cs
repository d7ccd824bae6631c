namespace Portal.SentryPlatform;

public enum SignatureCheck
{
    Valid,

    /// <summary>No signature header at all.</summary>
    Missing,

    /// <summary>Not exactly 64 hex characters.</summary>
    Malformed,

    /// <summary>Well-formed, but no accepted secret produces it.</summary>
    Mismatch,
}
