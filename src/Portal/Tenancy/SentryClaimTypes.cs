namespace Portal.Tenancy;

/// <summary>Claims the Sentry sign-in adds beside the standard name, id and e-mail.</summary>
public static class SentryClaimTypes
{
    /// <summary>
    /// One per Sentry organization the person belongs to: its numeric id, as Sentry listed it at sign-in. Never the
    /// slug: slugs are renamed and reused.
    /// </summary>
    public const string Organization = "urn:sentry:organization";

    /// <summary>One per organization whose role Sentry told at sign-in: <c>{id}:{role}</c>, e.g. <c>42:manager</c>.</summary>
    public const string OrganizationRole = "urn:sentry:organization-role";

    /// <summary>Present with value "true" for a <c>SignIn:OperatorUserIds</c> user: sees every organization.</summary>
    public const string Operator = "urn:portal:operator";

    /// <summary>The local developer's id in Development (never a Sentry user id: those are numbers).</summary>
    public const string LocalDeveloperId = "local";

    /// <summary>The claim value of an organization role.</summary>
    public static string RoleValue(long organizationId, string role) =>
        $"{organizationId.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{role}";
}
