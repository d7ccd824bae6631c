namespace Portal.Data.Entities;

public enum InstallationKind
{
    /// <summary>A published or unpublished app installed through OAuth.</summary>
    Public = 0,

    /// <summary>An internal integration with a static token.</summary>
    Internal = 1,
}
