namespace Portal.Scaleout;

/// <summary>What <see cref="InstanceEnvelope.TryRead{T}"/> made of a message from Redis.</summary>
public enum EnvelopeRead
{
    /// <summary>Another instance's message, read.</summary>
    Accepted,

    /// <summary>This instance's own message, back from Redis: already applied here when it was sent.</summary>
    Echo,

    /// <summary>A format this build does not know (an instance of a newer version, during a rolling upgrade).</summary>
    UnknownVersion,

    /// <summary>Not an envelope, or its body not the message the channel carries.</summary>
    Malformed,
}
