// The loss registry: one line per component.
#include "siamese/loss/contrastive.h"
#include "siamese/loss/cosine_target.h"
#include "siamese/loss/ddml.h"
#include "siamese/loss/deepid2.h"
#include "siamese/loss/energy_exp.h"
#include "siamese/loss/hinge_embedding.h"
#include "siamese/loss/triplet_hinge.h"
#include "siamese/loss/triplet_margin.h"
#include "siamese/loss/triplet_softmax.h"
#include "siamese/loss/weighted_contrastive.h"

namespace siamese {

const LossRegistry& loss_registry() {
  static const LossRegistry registry = [] {
    LossRegistry r("loss");
    r.add(contrastive_entry());
    r.add(contrastive_legacy_entry());
    r.add(weighted_contrastive_entry());
    r.add(hinge_embedding_entry());
    r.add(energy_exp_entry());
    r.add(ddml_entry());
    r.add(cosine_target_entry());
    r.add(deepid2_entry());
    r.add(triplet_hinge_entry());
    r.add(triplet_softmax_entry());
    r.add(triplet_margin_entry());
    return r;
  }();
  return registry;
}

std::shared_ptr<Loss> make_loss(const std::string& name, const LossContext& ctx,
                                const std::map<std::string, Value>& overrides) {
  auto l = loss_registry().create_with(name, overrides, ctx);
  l->set_name(name);
  return l;
}

}  // namespace siamese
