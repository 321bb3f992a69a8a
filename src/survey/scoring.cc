#include "survey/scoring.h"

#include <algorithm>

namespace fincyber::survey {
namespace {

// Answer pointers by item index, only for answers that fit their item.
std::vector<const AnswerValue*> AnswersByIndex(const CompiledBank& bank, const Answers& answers) {
  std::vector<const AnswerValue*> by_index(bank.item_count(), nullptr);
  for (const auto& [id, value] : answers) {
    auto index = bank.IndexOf(id);
    if (index && CheckAnswer(bank.item(*index), value).ok()) by_index[*index] = &value;
  }
  return by_index;
}

std::vector<bool> Shown(const CompiledBank& bank, const Respondent& respondent,
                        const std::vector<const AnswerValue*>& by_index) {
  std::vector<bool> shown(bank.item_count(), false);
  const auto answer_at = [&](int index) -> const AnswerValue* {
    return shown[index] ? by_index[index] : nullptr;
  };
  for (int index = 0; index < bank.item_count(); ++index) {
    const Condition* condition = bank.condition(index);
    shown[index] = condition == nullptr || condition->Evaluate(respondent, answer_at);
  }
  return shown;
}

double ChoiceCredit(const Item& item, std::string_view id) {
  for (const auto& choice : item.choices) {
    if (choice.id == id) return choice.credit.value_or(0);
  }
  return 0;
}

ItemScore ScoreItem(const CompiledBank& bank, const Item& item, bool shown,
                    const AnswerValue* answer) {
  ItemScore score;
  score.shown = shown;
  score.scored = shown && IsScored(item);
  score.answered = shown && answer != nullptr;
  if (!score.scored || answer == nullptr) {
    score.reached = 0;
    return score;
  }
  if (std::holds_alternative<NotApplicable>(*answer)) {
    score.not_applicable = true;
    return score;
  }
  double attainment = 0;
  switch (item.type) {
    case AnswerType::kMaturity: {
      const int level = std::get<int>(*answer);
      score.attainment = static_cast<float>(level) / kMaxMaturityLevel;
      score.met = level >= bank.bank().target_level;
      score.reached = static_cast<std::int8_t>(level);
      return score;
    }
    case AnswerType::kYesNo:
      attainment = std::get<YesNo>(*answer) == YesNo::kNo ? 0 : 1;
      break;
    case AnswerType::kNumber: {
      const double number = std::get<double>(*answer);
      const bool above = !item.number->met_min || number >= *item.number->met_min;
      const bool below = !item.number->met_max || number <= *item.number->met_max;
      attainment = above && below ? 1 : 0;
      break;
    }
    case AnswerType::kSingleChoice:
      attainment = ChoiceCredit(item, std::get<std::string>(*answer));
      break;
    case AnswerType::kMultipleChoice:
      for (const auto& id : std::get<std::vector<std::string>>(*answer)) {
        attainment += ChoiceCredit(item, id);
      }
      attainment = std::min(attainment, 1.0);
      break;
    case AnswerType::kText:
    case AnswerType::kEvidence:
      break;
  }
  score.attainment = static_cast<float>(attainment);
  score.met = attainment >= 1.0;
  score.reached = static_cast<std::int8_t>(score.met ? kMaxMaturityLevel : item.level - 1);
  return score;
}

void AddTo(Aggregate& aggregate, const ItemScore& score, double weight) {
  if (score.not_applicable) {
    aggregate.items_not_applicable += 1;
    return;
  }
  if (aggregate.items == 0 || score.reached < aggregate.maturity) {
    aggregate.maturity = score.reached;
  }
  aggregate.items += 1;
  aggregate.items_met += score.met ? 1 : 0;
  aggregate.items_unanswered += score.answered ? 0 : 1;
  aggregate.weight += weight;
  aggregate.weight_met += score.met ? weight : 0;
  aggregate.weighted_attainment += weight * score.attainment;
}

ScoreCard Aggregated(const CompiledBank& bank, std::vector<ItemScore> items) {
  ScoreCard card;
  for (int index = 0; index < bank.item_count(); ++index) {
    const ItemScore& score = items[index];
    if (!score.scored) continue;
    const Item& item = bank.item(index);
    const int function = static_cast<int>(item.function);
    AddTo(card.overall, score, item.weight);
    AddTo(card.functions[function], score, item.weight);
    AddTo(card.areas[static_cast<int>(item.area)], score, item.weight);
    for (Threat threat : item.threats) {
      AddTo(card.threats[static_cast<int>(threat)], score, item.weight);
      AddTo(card.cells[static_cast<int>(threat)][function], score, item.weight);
    }
  }
  card.items = std::move(items);
  return card;
}

ScoreCard ScoreShown(const CompiledBank& bank, const std::vector<bool>& shown,
                     const std::vector<const AnswerValue*>& by_index) {
  std::vector<ItemScore> items(bank.item_count());
  for (int index = 0; index < bank.item_count(); ++index) {
    items[index] = ScoreItem(bank, bank.item(index), shown[index], by_index[index]);
  }
  return Aggregated(bank, std::move(items));
}

}  // namespace

std::vector<bool> ShownItems(const CompiledBank& bank, const Respondent& respondent,
                             const Answers& answers) {
  return Shown(bank, respondent, AnswersByIndex(bank, answers));
}

ScoreCard Score(const CompiledBank& bank, const Respondent& respondent, const Answers& answers) {
  const auto by_index = AnswersByIndex(bank, answers);
  return ScoreShown(bank, Shown(bank, respondent, by_index), by_index);
}

RatedScoreCards ScoreWithSupervisor(const CompiledBank& bank, const Respondent& respondent,
                                    const Answers& self, const Answers& supervisor_ratings) {
  const auto self_by_index = AnswersByIndex(bank, self);
  const auto shown = Shown(bank, respondent, self_by_index);
  auto supervisor_by_index = self_by_index;
  const auto rated = AnswersByIndex(bank, supervisor_ratings);
  for (int index = 0; index < bank.item_count(); ++index) {
    if (rated[index] != nullptr) supervisor_by_index[index] = rated[index];
  }
  RatedScoreCards result{
      ScoreShown(bank, shown, self_by_index), ScoreShown(bank, shown, supervisor_by_index), {}};
  for (int index = 0; index < bank.item_count(); ++index) {
    const ItemScore& a = result.self.items[index];
    const ItemScore& b = result.supervisor.items[index];
    if (a.scored &&
        (a.met != b.met || a.reached != b.reached || a.not_applicable != b.not_applicable)) {
      result.differing_items.push_back(index);
    }
  }
  return result;
}

}  // namespace fincyber::survey
