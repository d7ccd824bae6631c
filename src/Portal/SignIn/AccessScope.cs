using System.Linq.Expressions;

namespace Portal.SignIn;

/// <summary>
/// Which organizations' data a signed-in person may see: every organization (operators), or the Sentry
/// organizations they belong to that installed the app. Deliveries without an organization (orphans) are
/// operators' business only.
/// </summary>
public sealed record AccessScope(bool AllOrganizations, IReadOnlySet<string> Organizations)
{
    public static readonly AccessScope None = new(false, new HashSet<string>());

    public static readonly AccessScope Everything = new(true, new HashSet<string>());

    public bool IsEmpty => !AllOrganizations && Organizations.Count == 0;

    public bool Includes(string? organizationSlug) =>
        AllOrganizations || (organizationSlug is not null && Organizations.Contains(organizationSlug));

    /// <summary>
    /// <see cref="Includes"/> in the query itself: only rows of this person's organizations come back from the
    /// database (rows without an organization: operators only). Every list read through a scope uses this.
    /// </summary>
    public IQueryable<T> Filter<T>(IQueryable<T> rows, Expression<Func<T, string?>> organizationOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(organizationOf);
        if (AllOrganizations)
        {
            return rows;
        }

        // Captured, not inlined: the list reaches SQL as a parameter, so each person's scope shares one query plan.
        var organizations = Organizations.ToList();
        Expression<Func<List<string>>> captured = () => organizations;
        var included = Expression.AndAlso(
            Expression.NotEqual(organizationOf.Body, Expression.Constant(null, typeof(string))),
            Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], captured.Body, organizationOf.Body));
        return rows.Where(Expression.Lambda<Func<T, bool>>(included, organizationOf.Parameters));
    }
}
