#include <algorithm>
#include <cassert>
#include <utility>

#include "http/http.h"
#include "http/internal/errors.h"

namespace fincyber::http {
namespace {

// "/a/{id}/b" -> {"a", "{id}", "b"}; "/" -> {""}.
std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `pattern` matches `path`; if so, `specificity` says which segments matched
// literally, so that comparing two of them lexicographically prefers the route whose
// first literal segment comes earlier ("/orgs/new" over "/orgs/{id}").
bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::vector<bool>& specificity) {
  if (pattern.size() != path.size()) return false;
  specificity.assign(pattern.size(), false);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (path[i].empty()) return false;
    } else if (pattern[i] == path[i]) {
      specificity[i] = true;
    } else {
      return false;
    }
  }
  return true;
}

bool Accepts(Method route_method, Method method) {
  return route_method == method || (method == Method::kHead && route_method == Method::kGet);
}

}  // namespace

void Router::Add(Route route) {
  assert(route.pattern.starts_with('/'));
  assert(std::none_of(routes_.begin(), routes_.end(), [&](const Route& existing) {
    return existing.method == route.method && existing.pattern == route.pattern;
  }));
  segments_.push_back(SplitPath(route.pattern));
  routes_.push_back(std::move(route));
}

Result<const Route*> Router::Match(Method method, std::string_view path,
                                   std::map<std::string, std::string>& path_params) const {
  const std::vector<std::string> segments = SplitPath(path);
  const Route* best = nullptr;
  std::size_t best_index = 0;
  std::vector<bool> best_specificity;
  std::vector<bool> specificity;
  bool path_matched = false;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!Matches(segments_[i], segments, specificity)) continue;
    path_matched = true;
    if (!Accepts(routes_[i].method, method)) continue;
    // An explicit HEAD route beats the GET it would otherwise borrow.
    const bool better = best == nullptr || specificity > best_specificity ||
                        (specificity == best_specificity && routes_[i].method == method);
    if (better) {
      best = &routes_[i];
      best_index = i;
      best_specificity = specificity;
    }
  }
  if (best == nullptr) {
    if (path_matched) return internal::MethodNotAllowed();
    return NotFound("no such resource");
  }
  path_params.clear();
  const std::vector<std::string>& pattern = segments_[best_index];
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) path_params[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
  }
  return best;
}

void Router::SetErrorRenderer(std::string path_prefix, ErrorRenderer renderer) {
  assert(path_prefix.starts_with('/'));
  error_renderers_.emplace_back(std::move(path_prefix), std::move(renderer));
}

const ErrorRenderer* Router::ErrorRendererFor(std::string_view path) const {
  for (const auto& [prefix, renderer] : error_renderers_) {
    if (path.starts_with(prefix)) return &renderer;
  }
  return nullptr;
}

std::string Router::AllowedMethods(std::string_view path) const {
  const std::vector<std::string> segments = SplitPath(path);
  std::vector<bool> specificity;
  std::vector<Method> methods;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!Matches(segments_[i], segments, specificity)) continue;
    methods.push_back(routes_[i].method);
    if (routes_[i].method == Method::kGet) methods.push_back(Method::kHead);
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  std::string allow;
  for (Method m : methods) {
    if (!allow.empty()) allow += ", ";
    allow += MethodName(m);
  }
  return allow;
}

}  // namespace fincyber::http
