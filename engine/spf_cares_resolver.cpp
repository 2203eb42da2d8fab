// SpfCaresResolver (see spf_cares_resolver.hpp). Answers are built the way libspf2's own resolver
// layer builds them (spf_dns_resolv.c): one SPF_dns_rr_t per question, owned by the caller, with
// h_errno-style status (NETDB_SUCCESS, NO_DATA, HOST_NOT_FOUND, TRY_AGAIN) and records copied into
// buffers from SPF_dns_rr_buf_realloc. Must never copy more bytes than a buffer was sized for.
#include "engine/spf_cares_resolver.hpp"

#include <ares.h>
#include <netdb.h>

#include <cstring>

namespace volley::engine {
namespace {

const char* type_name(ns_type type) {
  switch (type) {
  case ns_t_a:
    return "A";
  case ns_t_aaaa:
    return "AAAA";
  case ns_t_mx:
    return "MX";
  case ns_t_txt:
    return "TXT";
  case ns_t_ptr:
    return "PTR";
  default:
    return "other";
  }
}

int herrno_for(int status) {
  switch (status) {
  case ARES_SUCCESS:
    return NETDB_SUCCESS;
  case ARES_ENODATA:
    return NO_DATA;
  case ARES_ENOTFOUND:
  case ARES_EBADNAME:
    return HOST_NOT_FOUND;
  default:
    return TRY_AGAIN;
  }
}

// Copies `bytes` into record `index` of `rr`; false when libspf2 cannot allocate.
bool store(SPF_dns_rr_t* rr, int index, const void* bytes, std::size_t size) {
  if (SPF_dns_rr_buf_realloc(rr, index, size) != SPF_E_SUCCESS)
    return false;
  std::memcpy(rr->rr[index], bytes, size);
  return true;
}

bool store_text(SPF_dns_rr_t* rr, int index, const std::string& text) {
  return store(rr, index, text.c_str(), text.size() + 1); // with the terminating NUL
}

template <class Records, class Store>
int store_all(SPF_dns_rr_t* rr, int status, const Records& records, Store&& store_one) {
  if (status != ARES_SUCCESS)
    return status;
  int count = 0;
  for (const auto& record : records) {
    if (!store_one(count, record))
      return ARES_ENOMEM;
    ++count;
  }
  rr->num_rr = count;
  return count > 0 ? ARES_SUCCESS : ARES_ENODATA;
}

} // namespace

SpfCaresResolver::SpfCaresResolver(BlockingDnsClient& dns) : dns_(dns) {
  layer_.destroy = nullptr; // owned by this object, never by libspf2
  layer_.lookup = &SpfCaresResolver::lookup;
  layer_.get_spf = nullptr;
  layer_.get_exp = nullptr;
  layer_.add_cache = nullptr;
  layer_.layer_below = nullptr;
  layer_.name = "volley-cares";
  layer_.debug = 0;
  layer_.hook = this;
}

void SpfCaresResolver::reset() {
  queries_ = 0;
  failures_.clear();
}

SPF_dns_rr_t* SpfCaresResolver::lookup(SPF_dns_server_t* layer, const char* domain, ns_type type,
                                       int /*should_cache*/) {
  return static_cast<SpfCaresResolver*>(layer->hook)->answer(domain ? domain : "", type);
}

SPF_dns_rr_t* SpfCaresResolver::answer(const char* domain, ns_type type) {
  SPF_dns_rr_t* rr = SPF_dns_rr_new_init(&layer_, domain, type, 0, NETDB_SUCCESS);
  if (!rr)
    return SPF_dns_rr_new_nxdomain(&layer_, domain); // libspf2 aborts on a null answer anyway
  if (type == ns_t_spf) {
    rr->herrno = NO_DATA;
    return rr;
  }
  if (queries_ >= kMaxQueries) {
    note_failure(domain, type,
                 "not asked: more than " + std::to_string(kMaxQueries) +
                     " DNS questions for one SPF evaluation");
    rr->herrno = TRY_AGAIN;
    return rr;
  }
  ++queries_;
  CaresReply reply = dns_.query(domain, static_cast<int>(type));
  int status = reply.status == ARES_SUCCESS ? fill(rr, type, reply.message) : reply.status;
  if (status != ARES_SUCCESS)
    rr->num_rr = 0;
  rr->herrno = herrno_for(status);
  if (rr->herrno == TRY_AGAIN)
    note_failure(domain, type, describe_dns_status(status, reply.timeouts));
  return rr;
}

int SpfCaresResolver::fill(SPF_dns_rr_t* rr, ns_type type,
                           const std::vector<unsigned char>& message) {
  switch (type) {
  case ns_t_a: {
    std::vector<std::array<unsigned char, 4>> records;
    return store_all(rr, parse_ipv4_records(message, records), records,
                     [rr](int i, const auto& bytes) { return store(rr, i, bytes.data(), 4); });
  }
  case ns_t_aaaa: {
    std::vector<std::array<unsigned char, 16>> records;
    return store_all(rr, parse_ipv6_records(message, records), records,
                     [rr](int i, const auto& bytes) { return store(rr, i, bytes.data(), 16); });
  }
  case ns_t_mx: {
    std::vector<MxRecord> records;
    int status = parse_mx_records(message, records);
    std::erase_if(records, [](const MxRecord& mx) { return mx.host.empty(); }); // "MX 0 ."
    return store_all(rr, status, records,
                     [rr](int i, const MxRecord& mx) { return store_text(rr, i, mx.host); });
  }
  case ns_t_txt:
  case ns_t_ptr: {
    std::vector<std::string> records;
    int status = type == ns_t_txt ? parse_txt_records(message, records)
                                  : parse_ptr_records(message, records);
    return store_all(rr, status, records,
                     [rr](int i, const std::string& text) { return store_text(rr, i, text); });
  }
  default:
    return ARES_ENODATA;
  }
}

void SpfCaresResolver::note_failure(const char* domain, ns_type type, const std::string& what) {
  if (failures_.size() < 16)
    failures_.push_back(std::string(type_name(type)) + " " + domain + ": " + what);
}

} // namespace volley::engine
