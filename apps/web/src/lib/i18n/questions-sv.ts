/**
 * Swedish texts of the registration questions (the questions page, the form, the attendee list)
 * and of copying an event; spread into sv.ts. questions-en.ts must have the same keys.
 */
export const svQuestions = {
  questionsLink: 'Frågor vid anmälan',
  questionsHeading: 'Frågor vid anmälan',
  questionsIntro: (max: number) =>
    `Egna frågor som deltagarna besvarar när de anmäler sig, högst ${max}. Töm frågans text för att ta bort den; svar på frågor som finns kvar behålls.`,
  questionsBack: 'Tillbaka till evenemanget',
  questionsSaved: 'Frågorna är sparade.',
  questionNumber: (n: number) => `Fråga ${n}`,
  questionLabel: 'Frågans text',
  questionKind: 'Typ av svar',
  questionKinds: {
    short_text: 'Kort text',
    long_text: 'Lång text',
    single_choice: 'Ett val',
    multiple_choice: 'Flera val',
    yes_no: 'Ja eller nej',
  },
  questionRequired: 'Svaret är obligatoriskt',
  questionChoices: 'Svarsalternativ, ett per rad',
  questionChoicesHint: 'Bara för ”Ett val” och ”Flera val”: minst två.',
  questionChoicesTooFew: 'Skriv minst två svarsalternativ, ett per rad.',
  questionChoicesTooMany: (max: number) => `Högst ${max} svarsalternativ.`,
  questionChoicesDuplicate: 'Samma svarsalternativ står två gånger.',
  questionsTooMany: (max: number) => `Högst ${max} frågor.`,
  questionsAddRow: 'Lägg till en fråga till',
  questionsSave: 'Spara frågorna',
  answerYes: 'Ja',
  answerNo: 'Nej',
  answersHeading: 'Svar på frågorna',

  eventCopy: 'Kopiera evenemanget',
  copyHeading: (title: string) => `Kopiera ”${title}”`,
  copyIntro:
    'Kopian blir ett utkast med samma uppgifter, arrangörer, frågor och inställningar, men utan anmälningar. Välj när kopian ska börja: längden och anmälningstiden flyttas med. Du kan ändra allt innan du publicerar.',
  copyOriginal: (when: string) => `Evenemanget du kopierar: ${when}.`,
  copyStart: 'Kopian börjar',
  copyStartDate: 'Kopians första dag',
  copySubmit: 'Skapa kopian',
};
