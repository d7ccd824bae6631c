namespace Portal.SentryPlatform;

/// <summary>Route metadata: the signature a Sentry-called route expects and the largest body it reads.</summary>
public sealed record SentryCallerMetadata(SentrySignatureScheme Scheme, int MaxBodyBytes);
