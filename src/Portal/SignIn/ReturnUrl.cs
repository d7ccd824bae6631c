namespace Portal.SignIn;

/// <summary>Where to go after signing in: only a path on this site, so the sign-in is never an open redirect.</summary>
internal static class ReturnUrl
{
    public static string Safe(string? candidate) =>
        candidate is { Length: > 0 and <= 2048 }
        && candidate[0] == '/'
        && (candidate.Length == 1 || (candidate[1] != '/' && candidate[1] != '\\'))
        && !candidate.Any(char.IsControl)
            ? candidate
            : "/";
}
