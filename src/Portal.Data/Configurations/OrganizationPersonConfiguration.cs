using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class OrganizationPersonConfiguration : IEntityTypeConfiguration<OrganizationPerson>
{
    public void Configure(EntityTypeBuilder<OrganizationPerson> builder)
    {
        builder.ToTable("OrganizationPeople");
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => new { p.OrganizationId, p.SentryUserId }).IsUnique();
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.SentryUserId).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(200);
    }
}
