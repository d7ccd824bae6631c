using System.Collections.Frozen;
using System.Linq.Expressions;

namespace Portal.Tenancy;

/// <summary>
/// Which organizations a signed-in person may see and which they may change, by Sentry's organization id (never
/// the slug, which owners rename and others can take). Operators see and change everything, including deliveries
/// without an organization (orphans) and organizations the portal has not been able to name yet.
/// </summary>
public sealed class AccessScope
{
    public static readonly AccessScope None = new(false, FrozenDictionary<long, OrganizationAccess>.Empty);

    public static readonly AccessScope Everything = new(true, FrozenDictionary<long, OrganizationAccess>.Empty);

    private readonly FrozenDictionary<long, OrganizationAccess> organizations;

    private AccessScope(bool allOrganizations, FrozenDictionary<long, OrganizationAccess> organizations)
    {
        AllOrganizations = allOrganizations;
        this.organizations = organizations;
    }

    public bool AllOrganizations { get; }

    /// <summary>The organizations this person may see (empty for operators, who see all).</summary>
    public IReadOnlyCollection<long> OrganizationIds => organizations.Keys;

    public bool IsEmpty => !AllOrganizations && organizations.Count == 0;

    /// <summary>True when this person may change something somewhere (shows or hides the controls that do).</summary>
    public bool CanManageAny => AllOrganizations || organizations.Values.Contains(OrganizationAccess.Manage);

    public static AccessScope Of(IEnumerable<KeyValuePair<long, OrganizationAccess>> organizations) =>
        new(false, organizations.ToFrozenDictionary());

    /// <summary>Members who may read <paramref name="organizationIds"/>.</summary>
    public static AccessScope Reading(params long[] organizationIds) =>
        Of(organizationIds.Select(id => KeyValuePair.Create(id, OrganizationAccess.Read)));

    /// <summary>Members whose role may change things in <paramref name="organizationIds"/>.</summary>
    public static AccessScope Managing(params long[] organizationIds) =>
        Of(organizationIds.Select(id => KeyValuePair.Create(id, OrganizationAccess.Manage)));

    public bool Includes(long? organizationId) =>
        AllOrganizations || (organizationId is { } id && organizations.ContainsKey(id));

    public bool CanManage(long? organizationId) =>
        AllOrganizations || (organizationId is { } id && organizations.TryGetValue(id, out var access) && access == OrganizationAccess.Manage);

    /// <summary>The same organizations with the same access: nothing for an open page to redo.</summary>
    public bool SameAs(AccessScope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return AllOrganizations == other.AllOrganizations
            && organizations.Count == other.organizations.Count
            && organizations.All(pair => other.organizations.TryGetValue(pair.Key, out var access) && access == pair.Value);
    }

    /// <summary>
    /// <see cref="Includes"/> in the query itself: only rows of this person's organizations come back from the
    /// database. Every list read through a scope uses this.
    /// </summary>
    public IQueryable<T> Filter<T>(IQueryable<T> rows, Expression<Func<T, long>> organizationOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(organizationOf);
        return AllOrganizations ? rows : rows.Where(Contains(organizationOf, organizations.Keys.ToList()));
    }

    /// <summary>As above for rows that may have no organization (deliveries): those are operators' only.</summary>
    public IQueryable<T> Filter<T>(IQueryable<T> rows, Expression<Func<T, long?>> organizationOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(organizationOf);
        return AllOrganizations ? rows : rows.Where(Contains(organizationOf, organizations.Keys.Select(id => (long?)id).ToList()));
    }

    // Captured, not inlined: the list reaches SQL as a parameter, so each person's scope shares one query plan.
    private static Expression<Func<T, bool>> Contains<T, TKey>(Expression<Func<T, TKey>> organizationOf, List<TKey> ids)
    {
        Expression<Func<List<TKey>>> captured = () => ids;
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TKey)], captured.Body, organizationOf.Body);
        return Expression.Lambda<Func<T, bool>>(contains, organizationOf.Parameters);
    }
}
