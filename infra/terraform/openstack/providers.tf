# Credentials come from clouds.yaml (OS_CLOUD, `make deploy-cloud CLOUD=openstack`
# passes it as TF_VAR_cloud) or the OS_* variables of an openrc file, never from
# a file in the repository.
provider "openstack" {
  cloud = var.cloud
}
