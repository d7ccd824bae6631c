namespace Portal.SentryPlatform;

/// <summary>Header names Sentry sends (sentry-contract.md §2.1, §3.2, §4).</summary>
internal static class SentryHeaders
{
    public const string RequestId = "Request-ID";
    public const string HookResource = "Sentry-Hook-Resource";
    public const string HookTimestamp = "Sentry-Hook-Timestamp";
    public const string HookSignature = "Sentry-Hook-Signature";
    public const string AppSignature = "Sentry-App-Signature";
    public const string ServiceHookGuid = "X-ServiceHook-GUID";
    public const string ServiceHookTimestamp = "X-ServiceHook-Timestamp";
    public const string ServiceHookSignature = "X-ServiceHook-Signature";
}
