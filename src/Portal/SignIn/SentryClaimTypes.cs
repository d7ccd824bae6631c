namespace Portal.SignIn;

/// <summary>Claims the Sentry sign-in adds beside the standard name, id and e-mail.</summary>
public static class SentryClaimTypes
{
    /// <summary>One per Sentry organization the person belongs to (its slug), as Sentry said at sign-in.</summary>
    public const string Organization = "urn:sentry:organization";

    /// <summary>Present with value "true" for a <c>SignIn:OperatorUserIds</c> user: sees every organization.</summary>
    public const string Operator = "urn:portal:operator";
}
