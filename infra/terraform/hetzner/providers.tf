# The token comes from TF_VAR_hcloud_token (`make deploy-cloud` sets it from
# HCLOUD_TOKEN), never from a file in the repository.
provider "hcloud" {
  token = var.hcloud_token
}
