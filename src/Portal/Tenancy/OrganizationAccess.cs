namespace Portal.Tenancy;

/// <summary>What a person may do in one organization (design.md §5).</summary>
public enum OrganizationAccess
{
    /// <summary>Any member: sees the organization's deliveries, tickets, mappings and hooks, and works tickets.</summary>
    Read = 1,

    /// <summary>
    /// A role Sentry lets manage integrations (<c>SignIn:ManagerRoles</c>): also changes code mappings and service
    /// hooks, replays deliveries and pushes changes to Sentry.
    /// </summary>
    Manage = 2,
}
