namespace Portal.SentryPlatform;

/// <summary>Which signature a route under <c>/sentry</c> expects (design.md §2).</summary>
public enum SentrySignatureScheme
{
    /// <summary><c>Sentry-Hook-Signature</c> over the raw body: webhooks.</summary>
    Hook,

    /// <summary><c>Sentry-App-Signature</c> over the raw body: issue-link and alert-rule-action requests.</summary>
    App,

    /// <summary><c>Sentry-App-Signature</c> over <c>""</c>: select-option GETs (weak: read-only routes only).</summary>
    AppEmptyBody,

    /// <summary><c>X-ServiceHook-Signature</c> over the raw body with the secret of the hook <c>X-ServiceHook-GUID</c> names.</summary>
    ServiceHook,
}
