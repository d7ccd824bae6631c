namespace Portal.Data.Entities;

public enum InstallationStatus
{
    Pending = 0,
    Installed = 1,
    NeedsReauthorization = 2,
    Uninstalled = 3,
}
